package io.outflux.testing;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A STUB of InfluxDB 2.x's HTTP API, not a real server: there is no InfluxDB 2.x on these machines.
 * It answers the two endpoints outflux's v2 backend uses, the way InfluxDB 2.x documents them:
 * <ul>
 *   <li>{@code POST /api/v2/write?org=&bucket=&precision=} with {@code Authorization: Token ...}:
 *       204; 401 {@code {"code":"unauthorized","message":"unauthorized access"}} for an unknown token;
 *       404 {@code bucket "x" not found}; 400 {@code partial write error (N written): unable to parse
 *       '<line>': missing fields} when some lines lack a field set (the others are stored), or
 *       {@code unable to parse ...} when all do; 503 while {@link #unavailable} is set;
 *   <li>{@code GET /api/v2/buckets?limit=1}: 200 {@code {"buckets":[]}} or 401.
 * </ul>
 * Line "parsing" is deliberately crude (a line needs a space-separated field set); the real
 * grammar is exercised against a real InfluxDB 1.x elsewhere.
 */
public final class InfluxV2StubServer implements AutoCloseable {

  public final Set<String> tokens = ConcurrentHashMap.newKeySet();
  public final Set<String> buckets = ConcurrentHashMap.newKeySet();
  /** Stored lines per "org/bucket". */
  public final Map<String, List<String>> stored = new ConcurrentHashMap<>();
  public final List<String> requests = java.util.Collections.synchronizedList(new ArrayList<>());
  public volatile boolean unavailable;

  private final Vertx vertx = Vertx.vertx();
  private HttpServer server;

  public static InfluxV2StubServer start(String token, String org, String bucket) throws Exception {
    InfluxV2StubServer stub = new InfluxV2StubServer();
    stub.tokens.add(token);
    stub.buckets.add(org + "/" + bucket);
    stub.server = stub.vertx.createHttpServer().requestHandler(stub::handle).listen(0, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return stub;
  }

  public String url() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  public int count(String org, String bucket) {
    return stored.getOrDefault(org + "/" + bucket, List.of()).size();
  }

  private void handle(HttpServerRequest req) {
    requests.add(req.method() + " " + req.path());
    String auth = req.getHeader("Authorization");
    boolean known = auth != null && auth.startsWith("Token ") && tokens.contains(auth.substring(6).trim());
    if (unavailable) {
      answer(req, 503, "unavailable", "service unavailable");
    } else if (!known) {
      answer(req, 401, "unauthorized", "unauthorized access");
    } else if (req.path().equals("/api/v2/buckets")) {
      req.response().putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("buckets", new JsonArray()).encode());
    } else if (req.path().equals("/api/v2/write") && req.method().name().equals("POST")) {
      req.body().onSuccess(body -> write(req, body.toString()));
    } else {
      answer(req, 404, "not found", "path not found");
    }
  }

  private void write(HttpServerRequest req, String body) {
    String key = req.getParam("org") + "/" + req.getParam("bucket");
    if (!buckets.contains(key)) {
      answer(req, 404, "not found", "bucket \"" + req.getParam("bucket") + "\" not found");
      return;
    }
    List<String> good = new ArrayList<>();
    List<String> bad = new ArrayList<>();
    for (String line : body.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      (line.trim().contains(" ") ? good : bad).add(line);
    }
    stored.computeIfAbsent(key, k -> java.util.Collections.synchronizedList(new ArrayList<>())).addAll(good);
    if (bad.isEmpty()) {
      req.response().setStatusCode(204).end();
      return;
    }
    StringBuilder msg = new StringBuilder(good.isEmpty() ? "" : "partial write error (" + good.size() + " written): ");
    for (int i = 0; i < bad.size(); i++) {
      msg.append(i == 0 ? "" : "\n").append("unable to parse '").append(bad.get(i)).append("': missing fields");
    }
    answer(req, 400, "invalid", msg.toString());
  }

  private static void answer(HttpServerRequest req, int status, String code, String message) {
    req.response().setStatusCode(status).putHeader("Content-Type", "application/json; charset=utf-8")
        .end(new JsonObject().put("code", code).put("message", message).encode());
  }

  @Override
  public void close() {
    vertx.close();
  }
}
