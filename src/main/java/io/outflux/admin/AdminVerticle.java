package io.outflux.admin;

import io.outflux.batch.FlushRequest;
import io.outflux.client.ClientBus;
import io.outflux.config.Units;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's local admin HTTP endpoint. {@code POST /flush[?timeout=30s]} is the HTTP face of the
 * event-bus flush: it answers 200 {@code {"lines":N,...}} once the server acknowledged every line in
 * the spool, 504 when that took longer than the timeout, 503 when sending is stopped (refused
 * credentials); the error says why. {@code GET /health} answers 200 with the client id while the
 * client runs (so that {@code outflux flush} can check it talks to the client its config names).
 */
public final class AdminVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(AdminVerticle.class);
  public static final String FLUSH_PATH = "/flush";
  public static final String HEALTH_PATH = "/health";
  private static final Duration MAX_TIMEOUT = Duration.ofHours(24);

  private final AdminConfig config;
  private final String clientId;
  private HttpServer server;

  public AdminVerticle(AdminConfig config, String clientId) {
    this.config = config;
    this.clientId = clientId;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.get(HEALTH_PATH).handler(ctx -> ctx.json(new JsonObject().put("status", "UP").put("clientId", clientId)));
    router.post(FLUSH_PATH).handler(this::flush);
    router.get(io.outflux.protocol.WireProtocol.METRICS_PATH).handler(io.outflux.metrics.Metrics.handler());
    server = vertx.createHttpServer();
    return server.requestHandler(router).listen(config.port(), config.host())
        .onSuccess(s -> log.info("admin endpoint on http://{}:{} (POST {} to flush)", config.host(), s.actualPort(),
            FLUSH_PATH));
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
    DeliveryOptions options = new DeliveryOptions().setLocalOnly(true).setSendTimeout(timeout.toMillis() + 5_000);
    vertx.eventBus().<JsonObject>request(ClientBus.FLUSH, FlushRequest.of(timeout), options)
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
