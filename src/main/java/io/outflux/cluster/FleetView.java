package io.outflux.cluster;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.concurrent.ConcurrentHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Which clients are syncing, seen from any node ({@code GET /api/v1/clients}): per client id the
 * last time a node heard from it, that node, the backlog and lag the client reported (request
 * headers, or a streaming client's report message), and the lines that node stored for it and how
 * fast ({@link ClientRates}). Cluster-wide through the shared-data map {@value #MAP_NAME}; a node
 * writes a client's entry at most once per {@code minInterval} so the map is not a cost per batch.
 * The answering node adds each client's {@code state} and {@code secondsSinceSeen} by its own
 * clock, so a browser's clock never matters.
 *
 * <p>What a node counts of its clients ({@link NodeCounts}: when each was last written, the lines
 * stored for it) is one object per Vert.x instance, shared by every front instance
 * ({@code http.instances}): a client's batches arrive on any of them, and per-instance counts made
 * each instance's entry overwrite the others' with its own share of the lines and the rate.
 */
public final class FleetView {

  public static final String MAP_NAME = "outflux.fleet";
  /** Default: heard from within this is {@value #STATE_LIVE} (a streaming client reports every second while connected). */
  public static final Duration LIVE_WITHIN = Duration.ofSeconds(10);
  /** Default: not heard from for longer than this is {@value #STATE_STALE}; in between {@value #STATE_QUIET}. */
  public static final Duration STALE_AFTER = Duration.ofMinutes(5);
  public static final String STATE_LIVE = "live";
  public static final String STATE_QUIET = "quiet";
  public static final String STATE_STALE = "stale";
  /** The client said goodbye (a graceful stop); its lag keeps ageing from there. */
  public static final String STATE_STOPPED = "stopped";

  /** One client as last seen. */
  public record Sighting(String clientId, String transport, OptionalLong backlogBytes,
                         OptionalLong backlogLines, OptionalDouble lagSeconds, Optional<String> version, boolean stopped) {

    public Sighting(String clientId, String transport, OptionalLong backlogBytes, OptionalLong backlogLines,
                    OptionalDouble lagSeconds) {
      this(clientId, transport, backlogBytes, backlogLines, lagSeconds, Optional.empty(), false);
    }
  }

  private final Vertx vertx;
  private final Supplier<String> node;
  private final long ttlMs;
  private final long minIntervalMs;
  private final LongSupplier clockMs;
  private final long liveWithinMs;
  private final long staleAfterMs;
  private final NodeCounts counts;
  private Future<AsyncMap<String, String>> map;
  private final RefusalLog refusals;

  public FleetView(Vertx vertx, Supplier<String> node, Duration ttl, Duration minInterval, LongSupplier clockMs) {
    this(vertx, node, ttl, minInterval, LIVE_WITHIN, STALE_AFTER, clockMs);
  }

  /**
   * @param liveWithin a client heard from within this is live
   * @param staleAfter a client not heard from for longer than this is stale (quiet in between)
   */
  public FleetView(Vertx vertx, Supplier<String> node, Duration ttl, Duration minInterval, Duration liveWithin,
                   Duration staleAfter, LongSupplier clockMs) {
    this.vertx = vertx;
    this.liveWithinMs = liveWithin.toMillis();
    this.staleAfterMs = staleAfter.toMillis();
    this.node = node;
    this.ttlMs = ttl.toMillis();
    this.minIntervalMs = minInterval.toMillis();
    this.clockMs = clockMs;
    this.refusals = new RefusalLog(vertx, ttl, minInterval, clockMs);
    this.counts = NodeCounts.of(vertx);
  }

  /**
   * The node's counts of its clients, one per Vert.x instance (found through its local shared-data
   * map), used from every front instance's event loop and the metrics scrape: thread-safe.
   */
  static final class NodeCounts implements io.vertx.core.shareddata.Shareable {

    private static final String LOCAL_MAP = "outflux.server.fleet";
    private static final int MAX_CLIENTS = 100_000;

    /** When this node last wrote each client's entry. */
    private final Map<String, Long> lastPut = new ConcurrentHashMap<>();
    private final ClientRates rates = new ClientRates();

    static NodeCounts of(Vertx vertx) {
      return vertx.sharedData().<String, NodeCounts>getLocalMap(LOCAL_MAP).computeIfAbsent("counts", k -> new NodeCounts());
    }

    /** Claims the write of the client's entry now, unless one was written less than {@code minIntervalMs} ago. */
    boolean claimWrite(String clientId, long nowMs, long minIntervalMs, boolean always) {
      boolean[] claimed = {false};
      lastPut.compute(clientId, (id, previous) -> {
        if (previous != null && nowMs - previous < minIntervalMs && !always) {
          return previous;
        }
        claimed[0] = true;
        return nowMs;
      });
      if (claimed[0] && lastPut.size() > MAX_CLIENTS) {
        lastPut.clear();
        lastPut.put(clientId, nowMs);
      }
      return claimed[0];
    }

    synchronized ClientRates.Rate sample(String clientId, long nowMs) {
      return rates.sample(clientId, nowMs);
    }

    synchronized void stored(String clientId, long lines) {
      rates.stored(clientId, lines);
    }

    long writtenSince(long sinceMs) {
      return lastPut.values().stream().filter(t -> t >= sinceMs).count();
    }
  }

  /** A client refused at admission or whose write InfluxDB refused: kept apart from the verified entries. */
  public void refused(String claimedId, String user, String source, String reason) {
    refusals.refused(claimedId, user, source, reason);
  }

  /** The refused senders the cluster remembers, most recent first. */
  public Future<JsonArray> refusals() {
    return refusals.list();
  }

  /** The cluster map of the clients' audit reports (client id → JSON). */
  public static final String AUDIT_MAP_NAME = "outflux.audit";
  private Future<AsyncMap<String, String>> auditMap;

  private Future<AsyncMap<String, String>> map() {
    if (map == null || map.failed()) {
      map = vertx.sharedData().getAsyncMap(MAP_NAME);
    }
    return map;
  }

  /** Records a sighting; cheap when the same client was recorded by this node a moment ago. */
  public Future<Void> seen(Sighting s) {
    long now = clockMs.getAsLong();
    if (!counts.claimWrite(s.clientId(), now, minIntervalMs, s.stopped())) {
      return Future.succeededFuture();
    }
    ClientRates.Rate rate = counts.sample(s.clientId(), now);
    JsonObject entry = new JsonObject()
        .put("clientId", s.clientId())
        .put("node", node.get())
        .put("transport", s.transport())
        .put("lastSeen", Instant.ofEpochMilli(now).toString())
        .put("linesStored", rate.linesStored())
        .put("linesPerSecond", rate.linesPerSecond());
    s.backlogBytes().ifPresent(v -> entry.put("backlogBytes", v));
    s.backlogLines().ifPresent(v -> entry.put("backlogLines", v));
    s.lagSeconds().ifPresent(v -> entry.put("lagSeconds", v));
    s.version().ifPresent(v -> entry.put("version", v));
    if (s.stopped()) {
      entry.put("stopped", true);
    }
    return map().compose(m -> m.put(s.clientId(), entry.encode(), ttlMs));
  }

  /**
   * The client's latest audit report ({@code outflux.audit}, same TTL): {@link #list()} shows it
   * as {@code "audit"} (and {@code "auditVerifiedUpTo"}) in the client's entry. Only call it for
   * a client whose credentials were admitted.
   */
  public Future<Void> audited(String clientId, JsonObject report) {
    return auditMap().compose(m -> m.put(clientId, report.encode(), ttlMs));
  }

  private Future<AsyncMap<String, String>> auditMap() {
    if (auditMap == null || auditMap.failed()) {
      auditMap = vertx.sharedData().getAsyncMap(AUDIT_MAP_NAME);
    }
    return auditMap;
  }

  /** This node stored {@code lines} lines for the client (counted into its throughput). */
  public void stored(String clientId, long lines) {
    if (!clientId.isEmpty()) {
      counts.stored(clientId, lines);
    }
  }

  /** Distinct clients that sent to this node within the TTL. */
  public long clientsHere() {
    long since = clockMs.getAsLong() - ttlMs;
    return counts.writtenSince(since);
  }

  /** Every client seen within the TTL, sorted by client id, with its state as of now. */
  public Future<JsonArray> list() {
    Future<java.util.Map<String, String>> audits = auditMap().compose(AsyncMap::entries)
        .otherwise(err -> java.util.Map.of());
    return map().compose(AsyncMap::values).compose(values -> audits.map(audit -> {
      long now = clockMs.getAsLong();
      List<JsonObject> entries = new ArrayList<>();
      values.forEach(v -> {
        JsonObject entry = withState(new JsonObject(v), now, liveWithinMs, staleAfterMs);
        String report = audit.get(entry.getString("clientId"));
        if (report != null) {
          JsonObject a = new JsonObject(report);
          entry.put("audit", a);
          if (a.containsKey("verifiedUpTo")) {
            entry.put("auditVerifiedUpTo", a.getString("verifiedUpTo"));
          }
        }
        entries.add(entry);
      });
      entries.sort((a, b) -> a.getString("clientId").compareTo(b.getString("clientId")));
      return new JsonArray(new ArrayList<>(entries));
    }));
  }

  /**
   * Adds {@code secondsSinceSeen} and {@code state}; a client not heard from lately is not moving
   * lines, whatever rate its last update measured.
   */
  static JsonObject withState(JsonObject entry, long nowMs, long liveWithinMs, long staleAfterMs) {
    long seenMs;
    try {
      seenMs = Instant.parse(entry.getString("lastSeen", "")).toEpochMilli();
    } catch (java.time.format.DateTimeParseException e) {
      return entry.put("state", STATE_STALE);
    }
    long ageMs = Math.max(0, nowMs - seenMs);
    entry.put("secondsSinceSeen", Math.round(ageMs / 100.0) / 10.0);
    boolean stopped = entry.getBoolean("stopped", false);
    if (ageMs <= liveWithinMs && !stopped) {
      return entry.put("state", STATE_LIVE);
    }
    // not heard from: what waited then has waited longer since, so the lag ages with the silence
    if (entry.containsKey("lagSeconds")) {
      double reported = entry.getDouble("lagSeconds");
      entry.put("reportedLagSeconds", reported).put("lagSeconds", Math.round((reported + ageMs / 1000.0) * 10) / 10.0)
          .put("lagAgeing", true);
    }
    entry.put("linesPerSecond", 0.0);
    if (stopped) {
      return entry.put("state", STATE_STOPPED);
    }
    return entry.put("state", ageMs <= staleAfterMs ? STATE_QUIET : STATE_STALE);
  }
}
