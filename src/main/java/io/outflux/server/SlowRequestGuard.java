package io.outflux.server;

import io.outflux.protocol.WireProtocol;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;

/**
 * Watches each request body while it arrives. A body that moves slower than {@code http.minBodyRate}
 * over a window of {@code http.bodyTimeout} gets 408 and its connection is closed ({@link BodyPace}):
 * the idle timeout alone does not catch a client that sends one byte every few seconds, and such
 * clients would otherwise hold connections and buffers forever. A batch body that keeps moving is
 * answered, each second it moved, with an interim {@code 100 Continue}: over a slow link the client's
 * kernel and the link hold much of a body it already "sent", and this tells it the server is alive
 * and receiving, so it neither gives up nor starts its answer timeout early. Wraps the router, so it
 * covers every route.
 */
final class SlowRequestGuard implements Handler<HttpServerRequest> {

  /** How often a body in progress is looked at (and answered with an interim 100 when it moved). */
  static final long TICK_MS = 1_000;

  private final Vertx vertx;
  private final long timeoutMs;
  private final long minRate;
  private final Handler<HttpServerRequest> next;

  SlowRequestGuard(Vertx vertx, long timeoutMs, long minRate, Handler<HttpServerRequest> next) {
    this.vertx = vertx;
    this.timeoutMs = timeoutMs;
    this.minRate = minRate;
    this.next = next;
  }

  @Override
  public void handle(HttpServerRequest request) {
    if (!request.isEnded()) {
      BodyPace pace = new BodyPace(timeoutMs, minRate, System.currentTimeMillis());
      // interim answers only where the client is an HTTP/1.1 batch upload (1xx are not for HTTP/1.0)
      boolean interim = request.method() == HttpMethod.POST && request.version() == HttpVersion.HTTP_1_1
          && WireProtocol.BATCHES_PATH.equals(request.path());
      long timer = vertx.setPeriodic(Math.min(TICK_MS, timeoutMs), id -> {
        if (request.isEnded() || request.response().ended() || request.response().headWritten()) {
          vertx.cancelTimer(id);
          return;
        }
        switch (pace.look(request.bytesRead(), System.currentTimeMillis())) {
          case TOO_SLOW -> {
            vertx.cancelTimer(id);
            request.response().setStatusCode(408).putHeader("Connection", "close")
                .putHeader("Content-Type", "application/json")
                .end("{\"error\":\"" + pace.reason() + "\"}")
                .onComplete(v -> request.connection().close());
          }
          case MOVED -> {
            if (interim) {
              request.response().writeContinue();
            }
          }
          default -> { }
        }
      });
      request.response().closeHandler(v -> vertx.cancelTimer(timer));
      request.response().endHandler(v -> vertx.cancelTimer(timer));
    }
    next.handle(request);
  }
}
