package io.outflux.cluster;

import io.outflux.lineprotocol.Precision;
import io.outflux.protocol.BatchReply;
import io.outflux.protocol.Credentials;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The cluster-wide record of batches already stored in InfluxDB, so that a batch retried against
 * another node after a failover (or after a lost reply) is acknowledged again without being written
 * again.
 *
 * <p>An entry is keyed by everything that decides where and as whom a batch is written
 * ({@link Scope}: client id, sequence number, principal, database, retention policy, precision),
 * so the same client id, number and body sent by another user, to another database (an operator
 * fixed {@code influx.database} and the client resends from its checkpoint) or with another
 * precision is written, never acknowledged on the strength of an earlier write elsewhere. The
 * principal enters as a salted hash (never a password; the salt is shared by the cluster through
 * the map itself, so every node computes the same key).
 *
 * <p>One entry per acknowledged batch, keyed {@code clientId/seq/scope hash}, holding the batch's content
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
  /** The entry holding the cluster's salt for principal hashes (no client id contains '~'). */
  static final String SALT_KEY = "~salt";

  /** Where and as whom a batch is written, and which of the client's batches it is. */
  public record Scope(String clientId, long seq, Credentials credentials, String database, String retentionPolicy,
                      Precision precision) {

    String key(byte[] salt) {
      try {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update(credentials.principalHash(salt).getBytes(StandardCharsets.UTF_8));
        sha.update(("\u0000" + database + "\u0000" + retentionPolicy + "\u0000" + precision.name())
            .getBytes(StandardCharsets.UTF_8));
        return clientId + "/" + seq + "/" + HexFormat.of().formatHex(sha.digest(), 0, 16);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is part of every JVM", e);
      }
    }
  }
  /**
   * A reply listing very many refused lines is not worth replicating across the cluster: such a batch
   * is not recorded, and its retry is simply written again (an overwrite of the same points).
   */
  static final int MAX_ENTRY_CHARS = 64 * 1024;

  private final Vertx vertx;
  private final long ttlMs;
  private Future<AsyncMap<String, String>> map;
  private Future<byte[]> salt;

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

  /** The cluster's salt: the first node to ask puts one, every other node reads it. */
  private Future<byte[]> salt() {
    if (salt == null || salt.failed()) {
      byte[] mine = new byte[16];
      new SecureRandom().nextBytes(mine);
      String hex = HexFormat.of().formatHex(mine);
      salt = map().compose(m -> m.putIfAbsent(SALT_KEY, hex))
          .map(previous -> HexFormat.of().parseHex(previous == null ? hex : previous));
    }
    return salt;
  }

  private Future<String> key(Scope scope) {
    return salt().map(scope::key);
  }

  /** The reply already given for this very batch, if it was stored before. */
  public Future<Optional<BatchReply>> previousReply(Scope scope, String fingerprint) {
    return key(scope).compose(key -> map().compose(m -> m.get(key))).map(value -> {
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
  public Future<Void> stored(Scope scope, String fingerprint, BatchReply reply) {
    String value = new JsonObject().put("fp", fingerprint).put("reply", reply.toJson()).encode();
    if (value.length() > MAX_ENTRY_CHARS) {
      return Future.succeededFuture();
    }
    return key(scope).compose(key -> map().compose(m -> m.put(key, value, ttlMs)));
  }
}
