package io.outflux.cluster;

import io.outflux.lineprotocol.Precision;
import io.outflux.protocol.BatchReply;
import io.outflux.protocol.BatchSpan;
import io.outflux.protocol.Credentials;
import io.outflux.protocol.WireProtocol;
import io.vertx.core.Future;
import io.vertx.core.Promise;
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
 * <p>Bounded per client: the entries of a client and scope are a ring of {@link #SLOTS} slots, keyed
 * {@code clientId/scope hash/(seq mod SLOTS)}, each holding the sequence number, the batch's content
 * fingerprint and the reply that was sent, with a TTL ({@code cluster.dedupeTtl}) so that a client
 * gone quiet leaves nothing behind. A node therefore holds at most {@code SLOTS} entries per client
 * and scope however fast the client sends (one entry per batch for the whole TTL was about 200 B of
 * heap per batch: 140 MB at 200 batches/s). A batch is skipped only when its number and its content
 * match the slot's, so a client that restarts from its checkpoint, re-cuts and renumbers the
 * unacknowledged lines, has the new batch N written, never swallowed on the strength of the old one.
 *
 * <p>Why the window holds every retry: a client retries only batches it has not seen acknowledged,
 * and within a lane it has at most {@code sync.maxInFlight} (at most {@link WireProtocol#MAX_IN_FLIGHT}) batches
 * between its oldest unacknowledged one and its newest (acknowledged ones count until the prefix
 * before them is acknowledged too), so when a retry of batch N arrives no batch newer than
 * N + {@code MAX_IN_FLIGHT} - 1 has been stored and N's slot is still N's. The one case outside the
 * window: newest-first catch-up ({@code sync.catchUp}) sends a live and a history lane side by side
 * from one numbering, and a batch of one lane whose reply was lost and whose retry arrives after
 * {@code SLOTS} newer batches (mostly of the other lane) is written again, which InfluxDB turns into an overwrite of the same points (as below).
 *
 * <p>Wire version 2 batches ({@link BatchSpan}) are not recorded here per batch: the map holds one
 * entry per client, scope and lane with the spool ranges stored ({@link StoredSpans}), and a resent
 * batch is written only beyond what is stored, however the restarted client cut it.
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

    /** The slot of this batch in its client's ring: {@code clientId/scope hash/(seq mod SLOTS)}. */
    String key(byte[] salt) {
      return clientId + "/" + scopeHash(salt) + "/" + Math.floorMod(seq, SLOTS);
    }

    /** The entry of this client's stored positions in a lane: {@code clientId/scope hash/@lane}. */
    String positionsKey(byte[] salt, String lane) {
      return clientId + "/" + scopeHash(salt) + "/@" + lane;
    }

    private String scopeHash(byte[] salt) {
      try {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update(credentials.principalHash(salt).getBytes(StandardCharsets.UTF_8));
        sha.update(("\u0000" + database + "\u0000" + retentionPolicy + "\u0000" + precision.name())
            .getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(sha.digest(), 0, 16);
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
  /** Entries kept per client and scope: twice the in-flight window, so catch-up's two lanes have room. */
  static final int SLOTS = 2 * WireProtocol.MAX_IN_FLIGHT;

  private final Vertx vertx;
  private final long ttlMs;
  private Future<AsyncMap<String, String>> map;
  private Future<byte[]> salt;
  /**
   * The last update of each positions entry this JVM is making: the next one waits for it. Shared by
   * every ledger of the JVM (one per front instance, {@code http.instances}): a client's batches in
   * flight arrive on several instances, and two read-modify-writes of one entry at once lose a range.
   */
  private static final java.util.Map<String, Future<Void>> spanUpdates = new java.util.concurrent.ConcurrentHashMap<>();

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
      if (entry.getLong("seq", -1L) != scope.seq() || !fingerprint.equals(entry.getString("fp"))) {
        return Optional.<BatchReply>empty();
      }
      return Optional.of(BatchReply.fromJson(entry.getJsonObject("reply")));
    });
  }

  /**
   * Wire version 2: what this client stored in the span's lane and scope, by spool position (one entry
   * per client, lane and scope, whatever the sequence number; see {@link StoredSpans}).
   */
  public Future<StoredSpans> storedSpans(Scope scope, BatchSpan span) {
    return salt().map(s -> scope.positionsKey(s, span.lane())).compose(key -> map().compose(m -> m.get(key)))
        .map(value -> value == null ? StoredSpans.EMPTY : StoredSpans.fromJson(new JsonObject(value)));
  }

  /**
   * Records that the span's lines are stored; call only after InfluxDB answered 2xx for all of them.
   * Updates of one entry are made one after the other in this JVM (a client's batches in flight are
   * stored in any order, on any front instance); two nodes recording at once may lose one of the two
   * ranges, which only means a resend of it is written again.
   */
  public Future<Void> storedSpan(Scope scope, BatchSpan span) {
    return salt().map(s -> scope.positionsKey(s, span.lane())).compose(key -> {
      // One atomic swap puts this update last in the entry's queue: a get-then-put of the queue would let
      // two event loops (front instances) both start after the same earlier update and overwrite each other.
      Promise<Void> mine = Promise.promise();
      Future<Void> previous = spanUpdates.put(key, mine.future());
      (previous == null ? Future.<Void>succeededFuture() : previous.otherwiseEmpty())
          .compose(v -> map().compose(m -> m.get(key).compose(value -> {
            StoredSpans spans = value == null ? StoredSpans.EMPTY : StoredSpans.fromJson(new JsonObject(value));
            return m.put(key, spans.stored(span).toJson().encode(), ttlMs);
          })))
          .onComplete(mine);
      mine.future().onComplete(ar -> spanUpdates.remove(key, mine.future()));
      return mine.future();
    });
  }

  /** Remembers that this batch is stored; call only after InfluxDB answered 2xx. */
  public Future<Void> stored(Scope scope, String fingerprint, BatchReply reply) {
    String value = new JsonObject().put("seq", scope.seq()).put("fp", fingerprint).put("reply", reply.toJson()).encode();
    if (value.length() > MAX_ENTRY_CHARS) {
      return Future.succeededFuture();
    }
    return key(scope).compose(key -> map().compose(m -> m.put(key, value, ttlMs)));
  }
}
