package io.outflux.cluster;

import io.outflux.protocol.BatchReply;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.time.Duration;
import java.util.Optional;

/**
 * The cluster-wide record of batches already stored in InfluxDB, so that a batch retried against
 * another node after a failover (or after a lost reply) is acknowledged again without being written
 * again.
 *
 * <p>One entry per acknowledged batch, keyed {@code clientId/seq}, holding the batch's content
 * fingerprint and the reply that was sent, with a TTL ({@code cluster.dedupeTtl}). Why not a
 * contiguous watermark per client: acks come back out of order across several batches in flight,
 * and a client that restarts from its checkpoint re-cuts and renumbers the unacknowledged lines, so
 * "seq &lt;= watermark" would wrongly swallow a new batch N holding other lines than the old batch N.
 * Here a batch is skipped only when both its number and its content match, and independent keys
 * need no compare-and-set between nodes.
 *
 * <p>Node death: the entry is put only after InfluxDB answered 2xx. A node dying between the write
 * and the put makes the retry write the lines again, which InfluxDB turns into an overwrite of the
 * same points (series + timestamp), not a duplicate. Hazelcast keeps a backup of every map entry on
 * another member, so a node dying after the put loses no entry.
 */
public final class AckLedger {

  public static final String MAP_NAME = "outflux.acked";
  /**
   * A reply listing very many refused lines is not worth replicating across the cluster: such a batch
   * is not recorded, and its retry is simply written again (an overwrite of the same points).
   */
  static final int MAX_ENTRY_CHARS = 64 * 1024;

  private final Vertx vertx;
  private final long ttlMs;
  private Future<AsyncMap<String, String>> map;

  public AckLedger(Vertx vertx, Duration ttl) {
    this.vertx = vertx;
    this.ttlMs = ttl.toMillis();
  }

  private Future<AsyncMap<String, String>> map() {
    if (map == null || map.failed()) {
      map = vertx.sharedData().getAsyncMap(MAP_NAME);
    }
    return map;
  }

  /** The reply already given for this very batch, if it was stored before. */
  public Future<Optional<BatchReply>> previousReply(String clientId, long seq, String fingerprint) {
    return map().compose(m -> m.get(key(clientId, seq))).map(value -> {
      if (value == null) {
        return Optional.<BatchReply>empty();
      }
      JsonObject entry = new JsonObject(value);
      if (!fingerprint.equals(entry.getString("fp"))) {
        return Optional.<BatchReply>empty();
      }
      return Optional.of(BatchReply.fromJson(entry.getJsonObject("reply")));
    });
  }

  /** Remembers that this batch is stored; call only after InfluxDB answered 2xx. */
  public Future<Void> stored(String clientId, long seq, String fingerprint, BatchReply reply) {
    String value = new JsonObject().put("fp", fingerprint).put("reply", reply.toJson()).encode();
    if (value.length() > MAX_ENTRY_CHARS) {
      return Future.succeededFuture();
    }
    return map().compose(m -> m.put(key(clientId, seq), value, ttlMs));
  }

  private static String key(String clientId, long seq) {
    return clientId + "/" + seq;
  }
}
