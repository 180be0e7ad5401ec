package io.outflux.audit;

import io.outflux.meter.LinkConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the audit does next, and what it found: pure, the clock passed in. Windows are
 * {@code [start, start + window)} in ns since the epoch, aligned to the window. A cycle compares
 * the closed windows after the {@linkplain #cursor cursor} (at most {@code maxWindowsPerCycle},
 * all measurements together); a window where the edge holds more is re-sent and compared again
 * {@code recheckAfter} later: equal then, it is repaired, otherwise unrepairable, as is a window
 * where the centre holds more than the edge (re-sending cannot remove points). "Verified up to"
 * is the start of the first window not known to match: the cursor, or an earlier window still
 * under repair or unrepairable.
 */
public final class AuditPlanner {

  /** Unrepairable windows listed (oldest dropped first); all are counted. */
  public static final int MAX_LISTED = 100;

  public record Key(String measurement, long start) implements Comparable<Key> {
    @Override
    public int compareTo(Key o) {
      int c = Long.compare(start, o.start);
      return c != 0 ? c : measurement.compareTo(o.measurement);
    }
  }

  private record Pending(long edge, long central, long resentAtMillis) {
  }

  public record Unrepairable(Key key, long end, String why) {
  }

  private final AuditConfig config;
  private final long window;
  private long cursor = -1;
  private final TreeMap<Key, Pending> pending = new TreeMap<>();
  private final LinkedHashMap<Key, Unrepairable> unrepairable = new LinkedHashMap<>();
  private long checked;
  private long differing;
  private long repaired;
  private long unrepairableCount;

  public AuditPlanner(AuditConfig config) {
    this.config = config;
    this.window = config.window().toNanos();
  }

  public long windowNanos() {
    return window;
  }

  /**
   * Why no cycle may run now, or empty when one may: outside {@code audit.hours}, outside the
   * link's windows ({@code audit.followLink}), or the client is behind (its backlog is older than
   * {@code audit.lag}: the missing points are still in the spool, not gaps).
   */
  public Optional<String> mayRun(Instant now, ZoneId zone, List<LinkConfig.Window> linkWindows, double lagSeconds) {
    LocalTime t = now.atZone(zone).toLocalTime();
    if (!config.hours().isEmpty() && config.hours().stream().noneMatch(w -> w.contains(t))) {
      return Optional.of("outside audit.hours " + config.hours());
    }
    if (config.followLink() && !linkWindows.isEmpty() && linkWindows.stream().noneMatch(w -> w.contains(t))) {
      return Optional.of("outside the link's windows " + linkWindows);
    }
    if (lagSeconds > config.lag().toSeconds()) {
      return Optional.of("the client is " + Math.round(lagSeconds) + " s behind (more than audit.lag)");
    }
    return Optional.empty();
  }

  private long floor(long nanos) {
    return Math.floorDiv(nanos, window) * window;
  }

  private static long nanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  /** The next span to compare for {@code measurements} measurements, or empty when no closed window is left. */
  public Optional<AuditQuery.Span> next(Instant now, int measurements) {
    long closedEnd = floor(nanos(now) - config.lag().toNanos());
    if (cursor < 0) {
      cursor = floor(nanos(now) - config.lag().toNanos() - config.lookback().toNanos());
    }
    if (cursor >= closedEnd || measurements < 1) {
      return Optional.empty();
    }
    long windows = Math.max(1, Math.min(config.maxWindowsPerCycle(), AuditQuery.MAX_WINDOWS) / measurements);
    long to = Math.min(closedEnd, cursor + windows * window);
    return Optional.of(new AuditQuery.Span(cursor, to, window / 1_000_000_000L));
  }

  /**
   * Windows to compare again: re-sent at least {@code recheckAfter} ago, and either the spool is
   * drained (everything re-sent is acknowledged) or {@code audit.lag} has passed too (a client that
   * is never quite idle; one further behind does not run cycles at all).
   */
  public List<Key> due(Instant now, boolean drained) {
    long wait = config.recheckAfter().toMillis();
    long busyWait = Math.max(wait, config.lag().toMillis());
    List<Key> out = new ArrayList<>();
    pending.forEach((k, p) -> {
      long since = now.toEpochMilli() - p.resentAtMillis();
      if (since >= wait && (drained || since >= busyWait)) {
        out.add(k);
      }
    });
    return out;
  }

  /**
   * The counts of one span are in; the cursor moves past it.
   *
   * @return the windows to re-send from the edge
   */
  public List<Key> compared(AuditQuery.Span span, List<String> measurements, Map<String, Map<Long, Long>> edge,
                            Map<String, Map<Long, Long>> central, Instant now) {
    List<Key> resend = new ArrayList<>();
    for (String m : measurements) {
      for (long start = span.fromNanos(); start < span.toNanos(); start += window) {
        long e = edge.getOrDefault(m, Map.of()).getOrDefault(start, 0L);
        long c = central.getOrDefault(m, Map.of()).getOrDefault(start, 0L);
        checked++;
        if (e == c) {
          continue;
        }
        differing++;
        Key key = new Key(m, start);
        if (e > c) {
          resend.add(key);
          pending.put(key, new Pending(e, c, now.toEpochMilli()));
        } else {
          unrepairable(key, "the centre holds more field values (" + c + ") than the edge (" + e + "): another writer "
              + "centrally, or points removed at the edge (retention, DELETE); re-sending cannot fix that");
        }
      }
    }
    cursor = Math.max(cursor, span.toNanos());
    return resend;
  }

  /** Re-sending a window failed for good (e.g. a row that cannot be a line). */
  public void resendFailed(Key key, String why) {
    pending.remove(key);
    unrepairable(key, why);
  }

  /** A re-sent window was compared again. */
  public void rechecked(Key key, long edge, long central) {
    Pending p = pending.remove(key);
    if (p == null) {
      return;
    }
    if (edge == central) {
      repaired++;
    } else {
      unrepairable(key, "still differs after re-sending: edge " + edge + ", centre " + central + " field values "
          + "(sync rules that drop lines, lines the server refused (see the dead-letter file), or a site tag filter)");
    }
  }

  private void unrepairable(Key key, String why) {
    unrepairableCount++;
    unrepairable.remove(key);
    unrepairable.put(key, new Unrepairable(key, key.start() + window, why));
    while (unrepairable.size() > MAX_LISTED) {
      unrepairable.remove(unrepairable.keySet().iterator().next());
    }
  }

  /** Every window before this is known to match (or was repaired); empty before the first cycle. */
  public Optional<Instant> verifiedUpTo() {
    if (cursor < 0) {
      return Optional.empty();
    }
    long v = cursor;
    if (!pending.isEmpty()) {
      v = Math.min(v, pending.firstKey().start());
    }
    for (Key k : unrepairable.keySet()) {
      v = Math.min(v, k.start());
    }
    return Optional.of(instant(v));
  }

  public long cursor() {
    return cursor;
  }

  public long checked() {
    return checked;
  }

  public long differing() {
    return differing;
  }

  public long repaired() {
    return repaired;
  }

  public long unrepairableCount() {
    return unrepairableCount;
  }

  public List<Unrepairable> unrepairable() {
    return List.copyOf(unrepairable.values());
  }

  public int pending() {
    return pending.size();
  }

  static Instant instant(long nanos) {
    return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
  }

  /** The state kept across restarts and shown by {@code outflux status}. */
  public JsonObject toJson() {
    JsonArray bad = new JsonArray();
    unrepairable.values().forEach(u -> bad.add(new JsonObject().put("measurement", u.key().measurement())
        .put("from", instant(u.key().start()).toString()).put("to", instant(u.end()).toString()).put("why", u.why())));
    JsonArray under = new JsonArray();
    pending.forEach((k, p) -> under.add(new JsonObject().put("measurement", k.measurement())
        .put("from", instant(k.start()).toString()).put("edge", p.edge()).put("central", p.central())
        .put("resentAt", Instant.ofEpochMilli(p.resentAtMillis()).toString())));
    JsonObject json = new JsonObject()
        .put("window", config.window().toSeconds())
        .put("cursor", cursor)
        .put("windows", new JsonObject().put("checked", checked).put("differing", differing).put("repaired", repaired)
            .put("unrepairable", unrepairableCount))
        .put("unrepairable", bad).put("repairing", under);
    verifiedUpTo().ifPresent(v -> json.put("verifiedUpTo", v.toString()));
    return json;
  }

  /** Restores {@link #toJson}; a state written with another window size starts over. */
  public void restore(JsonObject json) {
    if (json.getLong("window", -1L) != config.window().toSeconds()) {
      return;
    }
    cursor = json.getLong("cursor", -1L);
    JsonObject w = json.getJsonObject("windows", new JsonObject());
    checked = w.getLong("checked", 0L);
    differing = w.getLong("differing", 0L);
    repaired = w.getLong("repaired", 0L);
    unrepairableCount = w.getLong("unrepairable", 0L);
    for (Object o : json.getJsonArray("unrepairable", new JsonArray())) {
      JsonObject u = (JsonObject) o;
      Key key = new Key(u.getString("measurement"), nanos(Instant.parse(u.getString("from"))));
      unrepairable.put(key, new Unrepairable(key, nanos(Instant.parse(u.getString("to"))), u.getString("why")));
    }
    for (Object o : json.getJsonArray("repairing", new JsonArray())) {
      JsonObject p = (JsonObject) o;
      pending.put(new Key(p.getString("measurement"), nanos(Instant.parse(p.getString("from")))),
          new Pending(p.getLong("edge"), p.getLong("central"), Instant.parse(p.getString("resentAt")).toEpochMilli()));
    }
  }

  /** For {@code Duration}-free callers: the window as a duration. */
  public Duration window() {
    return config.window();
  }
}
