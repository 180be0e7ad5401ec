package io.outflux.audit;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The counts both sides of the audit compare, and the one InfluxQL that makes them, so the edge
 * and the centre count the same way: per measurement and window, the number of field values
 * ({@code count(*)} summed over the fields) in {@code [from, to)}, windows aligned to the epoch
 * (InfluxDB's {@code GROUP BY time}). Centrally, with the site tag on, only the client's own site.
 *
 * <p>The server's endpoint ({@code GET /api/v1/audit}) is bounded: at most {@link #MAX_MEASUREMENTS}
 * measurements and {@link #MAX_WINDOWS} windows (all measurements together) per request.
 */
public final class AuditQuery {

  public static final String PATH = "/api/v1/audit";
  public static final int MAX_MEASUREMENTS = 50;
  public static final int MAX_WINDOWS = 2_000;
  public static final long NANOS_PER_SECOND = 1_000_000_000L;

  private AuditQuery() {
  }

  /** One request's range: whole seconds, {@code from} and {@code to} multiples of {@code windowSeconds}. */
  public record Span(long fromNanos, long toNanos, long windowSeconds) {

    public long windows() {
      return (toNanos - fromNanos) / (windowSeconds * NANOS_PER_SECOND);
    }

    /** Why this span cannot be asked, or empty. */
    public Optional<String> problem(int measurements) {
      if (windowSeconds < 1 || windowSeconds > 7 * 86_400) {
        return Optional.of("window must be 1 s to 7 days");
      }
      long w = windowSeconds * NANOS_PER_SECOND;
      if (fromNanos >= toNanos || fromNanos % w != 0 || toNanos % w != 0) {
        return Optional.of("from must be before to, both multiples of the window");
      }
      if (measurements < 1 || measurements > MAX_MEASUREMENTS) {
        return Optional.of("ask for 1 to " + MAX_MEASUREMENTS + " measurements");
      }
      if (windows() * measurements > MAX_WINDOWS) {
        return Optional.of("at most " + MAX_WINDOWS + " windows (measurements x windows) per request");
      }
      return Optional.empty();
    }
  }

  /** InfluxQL for the counts of {@code measurements} over {@code span}, one statement per measurement. */
  public static String influxql(List<String> measurements, Span span, Optional<Map.Entry<String, String>> tag) {
    StringBuilder q = new StringBuilder();
    for (String m : measurements) {
      if (q.length() > 0) {
        q.append(';');
      }
      q.append("SELECT count(*) FROM ").append(identifier(m)).append(" WHERE time >= ").append(span.fromNanos())
          .append(" AND time < ").append(span.toNanos());
      tag.ifPresent(t -> q.append(" AND ").append(identifier(t.getKey())).append(" = ").append(string(t.getValue())));
      q.append(" GROUP BY time(").append(span.windowSeconds()).append("s) fill(none)");
    }
    return q.toString();
  }

  /**
   * Reads InfluxDB's answer to {@link #influxql} (with {@code epoch=ns}): measurement → window start
   * (ns) → field values. Windows without values are absent.
   *
   * @throws IllegalArgumentException on an {@code error} in the answer
   */
  public static Map<String, Map<Long, Long>> counts(List<String> measurements, JsonObject answer) {
    if (answer.containsKey("error")) {
      throw new IllegalArgumentException(answer.getString("error"));
    }
    Map<String, Map<Long, Long>> out = new TreeMap<>();
    JsonArray results = answer.getJsonArray("results", new JsonArray());
    for (int i = 0; i < results.size(); i++) {
      JsonObject result = results.getJsonObject(i);
      if (result.containsKey("error")) {
        throw new IllegalArgumentException(result.getString("error"));
      }
      int statement = result.getInteger("statement_id", i);
      String m = statement < measurements.size() ? measurements.get(statement) : null;
      if (m == null) {
        continue;
      }
      Map<Long, Long> windows = out.computeIfAbsent(m, k -> new TreeMap<>());
      for (Object s : result.getJsonArray("series", new JsonArray())) {
        for (Object v : ((JsonObject) s).getJsonArray("values", new JsonArray())) {
          JsonArray row = (JsonArray) v;
          long total = 0;
          for (int c = 1; c < row.size(); c++) {
            if (row.getValue(c) instanceof Number n) {
              total += n.longValue();
            }
          }
          if (total > 0) {
            windows.merge(((Number) row.getValue(0)).longValue(), total, Long::sum);
          }
        }
      }
    }
    for (String m : measurements) {
      out.computeIfAbsent(m, k -> new TreeMap<>());
    }
    return out;
  }

  /** The counts as the endpoint answers them: {@code {"m": {"<windowStartNs>": n}}}. */
  public static JsonObject toJson(Map<String, Map<Long, Long>> counts) {
    JsonObject json = new JsonObject();
    counts.forEach((m, windows) -> {
      JsonObject w = new JsonObject();
      windows.forEach((start, n) -> w.put(Long.toString(start), n));
      json.put(m, w);
    });
    return json;
  }

  public static Map<String, Map<Long, Long>> fromJson(JsonObject json) {
    Map<String, Map<Long, Long>> out = new TreeMap<>();
    for (String m : json.fieldNames()) {
      Map<Long, Long> windows = new TreeMap<>();
      JsonObject w = json.getJsonObject(m);
      for (String start : w.fieldNames()) {
        windows.put(Long.parseLong(start), w.getLong(start));
      }
      out.put(m, windows);
    }
    return out;
  }

  public static String identifier(String name) {
    return "\"" + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  static String string(String value) {
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
