package io.outflux.admin;

import io.outflux.batch.FlushRequest;
import io.outflux.client.ClientBus;
import io.outflux.config.Units;
import io.outflux.protocol.WireProtocol;
import io.outflux.transport.TransportConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's local admin HTTP endpoint. {@code POST /flush[?timeout=30s]} is the HTTP face of the
 * event-bus flush: it answers 200 {@code {"lines":N,...}} once the server acknowledged every line in
 * the spool, 504 when that took longer than the timeout, 503 when sending is stopped (refused
 * credentials); the error says why. {@code GET /health} answers 200 with the client id while the
 * client runs (so that {@code outflux flush} can check it talks to the client its config names).
 * {@code POST /flush?force=true} also sends outside the metered link's transfer windows.
 * {@code GET /status} gathers each stage's part over the event bus ({@link ClientStatus});
 * {@code GET /ready} answers 200 when the spool is readable and the server reachable, else 503 with
 * the reasons.
 */
public final class AdminVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(AdminVerticle.class);
  public static final String FLUSH_PATH = "/flush";
  public static final String HEALTH_PATH = "/health";
  public static final String STATUS_PATH = "/status";
  public static final String READY_PATH = "/ready";
  /** How long each stage may take to answer its part of the status. */
  private static final long PART_TIMEOUT_MS = 5_000;
  private static final long PROBE_TIMEOUT_MS = 5_000;
  private static final Duration MAX_TIMEOUT = Duration.ofHours(24);

  private final AdminConfig config;
  private final String clientId;
  private final TransportConfig transport;
  private HttpServer server;
  private WebClient probeClient;
  private final java.nio.file.Path tokenFile;
  private volatile String token;

  /**
   * @param transport how to reach the servers, to probe their {@code /health} for readiness (null: no probe)
   * @param tokenFile where to write the token state-changing calls must carry ({@link AdminToken#pathFor})
   */
  public AdminVerticle(AdminConfig config, String clientId, TransportConfig transport, java.nio.file.Path tokenFile) {
    this.config = config;
    this.clientId = clientId;
    this.transport = transport;
    this.tokenFile = tokenFile;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.route().handler(new LocalOnly(() -> token));
    router.get(HEALTH_PATH).handler(ctx -> ctx.json(new JsonObject().put("status", "UP").put("clientId", clientId)));
    router.post(FLUSH_PATH).handler(this::flush);
    router.get(STATUS_PATH).handler(ctx -> status()
        .compose(status -> readiness(status).map(ready -> status.put("ready", ready)))
        .onSuccess(ctx::json)
        .onFailure(err -> ctx.response().setStatusCode(500).end(new JsonObject().put("error", err.toString()).encode())));
    router.get(READY_PATH).handler(ctx -> status().compose(this::readiness)
        .onSuccess(ready -> ctx.response().setStatusCode(ready.getBoolean("ready") ? 200 : 503)
            .putHeader("Content-Type", "application/json").end(ready.encode()))
        .onFailure(err -> ctx.response().setStatusCode(503).end(new JsonObject().put("ready", false)
            .put("reasons", new JsonArray().add(err.toString())).encode())));
    if (transport != null) {
      probeClient = WebClient.create(vertx, transport.tls().apply(new WebClientOptions()
          .setConnectTimeout((int) PROBE_TIMEOUT_MS).setUserAgent("outflux-client-ready")));
    }
    router.get(WireProtocol.METRICS_PATH).handler(io.outflux.metrics.Metrics.handler());
    server = vertx.createHttpServer();
    return vertx.executeBlocking(() -> AdminToken.create(tokenFile))
        .onSuccess(t -> token = t)
        .compose(t -> server.requestHandler(router).listen(config.port(), config.host()))
        .onSuccess(s -> log.info("admin endpoint on http://{}:{} (POST {} to flush)", config.host(), s.actualPort(),
            FLUSH_PATH + ", with the token in " + tokenFile));
  }

  /** Asks each stage for its part; a stage that does not answer is named in {@code errors}. */
  private Future<JsonObject> status() {
    Future<JsonObject> tail = part(ClientBus.STATUS_SPOOL, "spool");
    Future<JsonObject> deadLetter = part(ClientBus.STATUS_DEAD_LETTER, "dead-letter");
    // one spool part: the tail's and the dead-letter owner's (an "error" of both is kept, named)
    Future<JsonObject> spool = Future.join(tail, deadLetter).map(v -> {
      JsonObject merged = tail.result().copy();
      deadLetter.result().forEach(e -> merged.put(e.getKey(), e.getKey().equals("error") && merged.containsKey("error")
          ? merged.getString("error") + "; " + e.getValue() : e.getValue()));
      return merged;
    });
    Future<JsonObject> batch = part(ClientBus.STATUS_BATCH, "batch");
    Future<JsonObject> sending = part(ClientBus.STATUS_TRANSPORT, "transport");
    Future<JsonObject> audit = vertx.eventBus().<JsonObject>request(ClientBus.STATUS_AUDIT, null,
            new DeliveryOptions().setLocalOnly(true).setSendTimeout(PART_TIMEOUT_MS))
        .map(Message::body)
        .otherwise(err -> err instanceof io.vertx.core.eventbus.ReplyException r
            && r.failureType() == io.vertx.core.eventbus.ReplyFailure.NO_HANDLERS
            ? new JsonObject().put("enabled", false)
            : new JsonObject().put("enabled", true).put("error", "the audit did not answer: " + err.getMessage()));
    return Future.join(spool, batch, sending, audit)
        .map(v -> ClientStatus.merge(clientId, spool.result(), batch.result(), sending.result(), Instant.now())
            .put("audit", audit.result()));
  }

  private Future<JsonObject> part(String address, String stage) {
    DeliveryOptions options = new DeliveryOptions().setLocalOnly(true).setSendTimeout(PART_TIMEOUT_MS);
    return vertx.eventBus().<JsonObject>request(address, null, options)
        .map(Message::body)
        .otherwise(err -> new JsonObject().put("error", "the " + stage + " stage did not answer: " + err.getMessage()));
  }

  /** {@code {"ready":bool,"reasons":[...]}}: the spool is readable and the server was reachable recently (or is now). */
  private Future<JsonObject> readiness(JsonObject status) {
    List<String> reasons = ClientStatus.notReadyReasons(status);
    Future<List<String>> all = Future.succeededFuture(reasons);
    if (reasons.isEmpty() && ClientStatus.needsProbe(status, Instant.now())) {
      all = probe(status.getString("server")).map(problem -> {
        problem.ifPresent(reasons::add);
        return reasons;
      });
    }
    return all.map(r -> new JsonObject().put("ready", r.isEmpty()).put("reasons", new JsonArray(r)));
  }

  /** GET {server}/health; empty when it answered 200. */
  private Future<Optional<String>> probe(String server) {
    if (probeClient == null || server == null) {
      return Future.succeededFuture(Optional.empty());
    }
    URI health = URI.create(server).resolve(WireProtocol.HEALTH_PATH);
    return probeClient.getAbs(health.toString()).timeout(PROBE_TIMEOUT_MS).send()
        .map(r -> r.statusCode() == 200 ? Optional.<String>empty()
            : Optional.of("the server " + server + " answered " + r.statusCode() + " to " + WireProtocol.HEALTH_PATH))
        .otherwise(err -> Optional.of("the server " + server + " is not reachable: " + err.getMessage()));
  }

  public int actualPort() {
    return server.actualPort();
  }

  private void flush(RoutingContext ctx) {
    Duration timeout;
    try {
      String raw = ctx.request().getParam("timeout");
      timeout = raw == null ? FlushRequest.DEFAULT_TIMEOUT : Units.parseDuration(raw);
      if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
        throw new IllegalArgumentException("must be between 1ms and 24h");
      }
    } catch (RuntimeException e) {
      error(ctx, 400, "bad timeout: " + e.getMessage());
      return;
    }
    boolean force = "true".equalsIgnoreCase(ctx.request().getParam("force"));
    DeliveryOptions options = new DeliveryOptions().setLocalOnly(true).setSendTimeout(timeout.toMillis() + 5_000);
    vertx.eventBus().<JsonObject>request(ClientBus.FLUSH, FlushRequest.of(timeout, force), options)
        .onSuccess(reply -> ctx.json(reply.body().put("flushed", true).put("clientId", clientId)))
        .onFailure(err -> {
          int status = err instanceof ReplyException r && r.failureCode() > 0 ? r.failureCode() : 500;
          error(ctx, status, err.getMessage());
        });
  }

  private static void error(RoutingContext ctx, int status, String message) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("flushed", false).put("error", message).encode());
  }
}
