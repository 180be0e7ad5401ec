package io.outflux.influxd;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Blocking management client for an InfluxDB 1.x HTTP API (harness and demo code only; never call
 * it from an event-loop thread). Immutable: {@link #withCredentials} returns a new client that
 * shares the same HttpClient.
 */
public final class InfluxdClient {

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(2);
  private static final int CHUNK_SIZE = 10_000;

  private final HttpClient http;
  private final URI base;
  private final String authorization; // null = no credentials

  public InfluxdClient(URI base) {
    this(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT).build(),
        base, null);
  }

  private InfluxdClient(HttpClient http, URI base, String authorization) {
    this.http = http;
    this.base = base;
    this.authorization = authorization;
  }

  /** Same server, Basic auth as this user (a preemptive header: influxd never sends a challenge we could answer). */
  public InfluxdClient withCredentials(String user, String password) {
    String token = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    return new InfluxdClient(http, base, "Basic " + token);
  }

  public InfluxdClient withoutCredentials() {
    return new InfluxdClient(http, base, null);
  }

  public URI baseUri() {
    return base;
  }

  /** GET /ping status (204 when up), or -1 when nothing answers. */
  public int ping() {
    try {
      HttpRequest req = request("/ping").timeout(Duration.ofSeconds(2)).GET().build();
      return http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  // ---- queries

  /** Runs InfluxQL without a default database; throws with influxd's error text on any failure. */
  public JsonObject query(String influxql) {
    return query(null, influxql);
  }

  /**
   * Runs InfluxQL (POST /query, so CREATE/GRANT/DROP are allowed). Throws InfluxdException when the
   * HTTP status is not 200 and also when a statement failed inside a 200 answer
   * ({"results":[{"error":...}]}), which is how 1.x reports e.g. a bad SELECT.
   */
  public JsonObject query(String db, String influxql) {
    InfluxdResponse r = queryRaw(db, influxql);
    if (r.status() != 200) {
      throw new InfluxdException("influxd answered " + r.status() + " to `" + influxql + "`: " + r.error(), r.status());
    }
    JsonObject json = parse(r.body(), influxql);
    failOnStatementErrors(json, influxql);
    return json;
  }

  /** POST /query without interpreting the answer (for tests of statuses: 401, 403, ...). */
  public InfluxdResponse queryRaw(String db, String influxql) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("q", influxql);
    if (db != null) {
      form.put("db", db);
    }
    HttpRequest req = request("/query")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(encode(form)))
        .build();
    return send(req);
  }

  /** GET /query?q=... raw, because some proxies and clients (and our auth check) use GET. */
  public InfluxdResponse getQueryRaw(String db, String influxql) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("q", influxql);
    if (db != null) {
      params.put("db", db);
    }
    return send(request("/query?" + encode(params)).GET().build());
  }

  public void createDatabase(String name) {
    query("CREATE DATABASE " + InfluxQl.ident(name));
  }

  public void createUser(String name, String password, boolean admin) {
    query("CREATE USER " + InfluxQl.ident(name) + " WITH PASSWORD " + InfluxQl.string(password)
        + (admin ? " WITH ALL PRIVILEGES" : ""));
  }

  public void grant(Privilege privilege, String db, String user) {
    query("GRANT " + privilege.name() + " ON " + InfluxQl.ident(db) + " TO " + InfluxQl.ident(user));
  }

  // ---- writes

  /** POST /write?db=..., nanosecond precision; returns the answer as is (204 = all written). */
  public InfluxdResponse write(String db, String lineProtocol) {
    HttpRequest req = request("/write?" + encode(Map.of("db", db)))
        .header("Content-Type", "text/plain; charset=utf-8")
        .POST(HttpRequest.BodyPublishers.ofString(lineProtocol, StandardCharsets.UTF_8))
        .build();
    return send(req);
  }

  // ---- counting points

  /**
   * Fast point count: the largest per-field count of {@code SELECT COUNT(*) FROM m} (COUNT(*)
   * answers one count per field, not per point). Exact when every point of the measurement carries
   * at least one common field (true for our tests and Telegraf's usual output); otherwise it is a
   * lower bound, e.g. points {a}, {b} count as 1. Use {@link #countExact} when fields vary.
   */
  public long count(String db, String measurement) {
    JsonObject json = query(db, "SELECT COUNT(*) FROM " + InfluxQl.ident(measurement));
    long max = 0;
    for (JsonArray row : rows(json)) {
      for (int i = 1; i < row.size(); i++) { // column 0 is time
        Object v = row.getValue(i);
        if (v instanceof Number n) {
          max = Math.max(max, n.longValue());
        }
      }
    }
    return max;
  }

  /**
   * Exact point count: streams {@code SELECT * FROM m GROUP BY *} in chunks and counts rows. One row
   * is one point (series + timestamp), whatever fields it has. Costs a scan of the measurement;
   * memory stays bounded by the chunk size.
   */
  public long countExact(String db, String measurement) {
    String q = "SELECT * FROM " + InfluxQl.ident(measurement) + " GROUP BY *";
    Map<String, String> form = new LinkedHashMap<>();
    form.put("q", q);
    form.put("db", db);
    form.put("chunked", "true");
    form.put("chunk_size", Integer.toString(CHUNK_SIZE));
    HttpRequest req = request("/query")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(encode(form)))
        .build();
    HttpResponse<Stream<String>> resp = sendStreaming(req);
    try (Stream<String> lines = resp.body()) {
      if (resp.statusCode() != 200) {
        String body = lines.collect(Collectors.joining("\n"));
        throw new InfluxdException("influxd answered " + resp.statusCode() + " to `" + q + "`: " + body, resp.statusCode());
      }
      long points = 0;
      // Chunked answers are one JSON document per line.
      for (Iterator<String> it = lines.iterator(); it.hasNext(); ) {
        String line = it.next();
        if (line.isBlank()) {
          continue;
        }
        JsonObject chunk = parse(line, q);
        failOnStatementErrors(chunk, q);
        points += rows(chunk).size();
      }
      return points;
    }
  }

  /** Exact number of points in a database: {@link #countExact} summed over SHOW MEASUREMENTS. */
  public long countPoints(String db) {
    long total = 0;
    for (String m : measurements(db)) {
      total += countExact(db, m);
    }
    return total;
  }

  public List<String> measurements(String db) {
    List<String> names = new ArrayList<>();
    for (JsonArray row : rows(query(db, "SHOW MEASUREMENTS"))) {
      names.add(row.getString(0));
    }
    return names;
  }

  // ---- plumbing

  /** All value rows of all series of all statements. */
  static List<JsonArray> rows(JsonObject json) {
    List<JsonArray> rows = new ArrayList<>();
    for (Object result : json.getJsonArray("results", new JsonArray())) {
      for (Object series : ((JsonObject) result).getJsonArray("series", new JsonArray())) {
        for (Object row : ((JsonObject) series).getJsonArray("values", new JsonArray())) {
          rows.add((JsonArray) row);
        }
      }
    }
    return rows;
  }

  private static void failOnStatementErrors(JsonObject json, String influxql) {
    if (json.getString("error") != null) {
      throw new InfluxdException("`" + influxql + "` failed: " + json.getString("error"), 200);
    }
    for (Object result : json.getJsonArray("results", new JsonArray())) {
      String error = ((JsonObject) result).getString("error");
      if (error != null) {
        throw new InfluxdException("`" + influxql + "` failed: " + error, 200);
      }
    }
  }

  private static JsonObject parse(String body, String influxql) {
    try {
      return new JsonObject(body);
    } catch (DecodeException e) {
      throw new InfluxdException("influxd answered non-JSON to `" + influxql + "`: " + body, 200);
    }
  }

  private HttpRequest.Builder request(String pathAndQuery) {
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(pathAndQuery)).timeout(REQUEST_TIMEOUT);
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return b;
  }

  private InfluxdResponse send(HttpRequest req) {
    try {
      HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      return new InfluxdResponse(r.statusCode(), r.body(), r.headers().firstValue("X-Influxdb-Error").orElse(null));
    } catch (IOException e) {
      throw new InfluxdException("no answer from influxd at " + req.uri() + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InfluxdException("interrupted while calling " + req.uri(), e);
    }
  }

  private HttpResponse<Stream<String>> sendStreaming(HttpRequest req) {
    try {
      return http.send(req, HttpResponse.BodyHandlers.ofLines());
    } catch (IOException e) {
      throw new InfluxdException("no answer from influxd at " + req.uri() + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InfluxdException("interrupted while calling " + req.uri(), e);
    }
  }

  private static String encode(Map<String, String> params) {
    return params.entrySet().stream()
        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
            + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }
}
