package io.outflux.cluster;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Clients the server refused (credentials InfluxDB refused at admission, writes InfluxDB refused:
 * no permission, database not found), for the fleet view's "refused" rows. Kept apart from the
 * verified fleet entries on purpose: the client id and user name are only claimed by the sender, so
 * a refusal never changes a verified entry, and its strings are escaped before they are stored.
 * Bounded: at most {@value #MAX_ENTRIES} keys per node (the least recently refused is forgotten,
 * here and in the cluster map {@value #MAP_NAME}), each rewritten in the map at most once per
 * {@code minInterval}; refusals are logged at WARN, once per key per {@value #LOG_EVERY_S} s with
 * the count since. Event-loop confined per node.
 */
public final class RefusalLog {

  public static final String MAP_NAME = "outflux.fleet.refusals";
  static final int MAX_ENTRIES = 1_000;
  static final int MAX_TEXT = 128;
  static final long LOG_EVERY_S = 60;
  private static final Logger log = LoggerFactory.getLogger(RefusalLog.class);

  private static final class Entry {
    final JsonObject json;
    long lastPutMs = -1;
    long lastLoggedMs = -1;
    long unlogged;

    Entry(JsonObject json) {
      this.json = json;
    }
  }

  private final Vertx vertx;
  private final long ttlMs;
  private final long minIntervalMs;
  private final LongSupplier clockMs;
  private final Map<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
  private Future<AsyncMap<String, String>> map;

  public RefusalLog(Vertx vertx, Duration ttl, Duration minInterval, LongSupplier clockMs) {
    this.vertx = vertx;
    this.ttlMs = ttl.toMillis();
    this.minIntervalMs = minInterval.toMillis();
    this.clockMs = clockMs;
  }

  private Future<AsyncMap<String, String>> map() {
    if (map == null || map.failed()) {
      map = vertx.sharedData().getAsyncMap(MAP_NAME);
    }
    return map;
  }

  /**
   * A refusal: {@code claimedId} and {@code user} as the sender gave them, its address, and why (in
   * an operator's words, e.g. "credentials refused by InfluxDB").
   */
  public void refused(String claimedId, String user, String source, String reason) {
    String id = escape(claimedId);
    String who = escape(user);
    String key = id + "\u0000" + who + "\u0000" + source;
    long now = clockMs.getAsLong();
    Entry e = entries.get(key);
    if (e == null) {
      e = new Entry(new JsonObject().put("clientId", id).put("user", who).put("source", source)
          .put("firstRefused", Instant.ofEpochMilli(now).toString()).put("count", 0L));
      entries.put(key, e);
      evict();
    }
    e.json.put("reason", escape(reason)).put("lastRefused", Instant.ofEpochMilli(now).toString())
        .put("count", e.json.getLong("count") + 1);
    logRateLimited(e, now);
    if (e.lastPutMs < 0 || now - e.lastPutMs >= minIntervalMs) {
      e.lastPutMs = now;
      String value = e.json.encode();
      map().compose(m -> m.put(key, value, ttlMs))
          .onFailure(err -> log.debug("refusal not recorded cluster-wide: {}", err.toString()));
    }
  }

  private void logRateLimited(Entry e, long now) {
    if (e.lastLoggedMs >= 0 && now - e.lastLoggedMs < LOG_EVERY_S * 1000) {
      e.unlogged++;
      return;
    }
    log.warn("refused client {} ({}) from {}: {}{}", e.json.getString("clientId"), e.json.getString("user"),
        e.json.getString("source"), e.json.getString("reason"),
        e.unlogged > 0 ? " (" + e.unlogged + " more refusals of it in the last " + LOG_EVERY_S + " s)" : "");
    e.lastLoggedMs = now;
    e.unlogged = 0;
  }

  private void evict() {
    while (entries.size() > MAX_ENTRIES) {
      String oldest = entries.keySet().iterator().next();
      entries.remove(oldest);
      map().compose(m -> m.remove(oldest));
    }
  }

  /** Every refusal the cluster remembers, most recent first, with {@code secondsSinceRefused} by this node's clock. */
  public Future<JsonArray> list() {
    return map().compose(AsyncMap::values).map(values -> {
      long now = clockMs.getAsLong();
      List<JsonObject> out = new ArrayList<>();
      for (String v : values) {
        JsonObject json = new JsonObject(v);
        try {
          long at = Instant.parse(json.getString("lastRefused")).toEpochMilli();
          json.put("secondsSinceRefused", Math.round(Math.max(0, now - at) / 100.0) / 10.0);
        } catch (RuntimeException ignored) {
          // shown without an age
        }
        out.add(json.put("state", "refused"));
      }
      out.sort((a, b) -> String.valueOf(b.getString("lastRefused")).compareTo(String.valueOf(a.getString("lastRefused"))));
      return new JsonArray(new ArrayList<>(out));
    });
  }

  /** Control characters become {@code \\uXXXX}, and the text is cut at {@value #MAX_TEXT} characters. */
  static String escape(String raw) {
    if (raw == null || raw.isEmpty()) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < raw.length() && sb.length() < MAX_TEXT; i++) {
      char c = raw.charAt(i);
      if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return raw.length() > sb.length() && sb.length() >= MAX_TEXT ? sb + "..." : sb.toString();
  }
}
