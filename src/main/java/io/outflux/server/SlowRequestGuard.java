package io.outflux.server;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;

/**
 * Drops a request whose body has not fully arrived within the body timeout. The idle timeout alone
 * does not catch a client that sends one byte every few seconds (each byte resets it), and such
 * clients would otherwise hold connections and buffers forever. Wraps the router, so it covers
 * every route.
 */
final class SlowRequestGuard implements Handler<HttpServerRequest> {

  private final Vertx vertx;
  private final long timeoutMs;
  private final Handler<HttpServerRequest> next;

  SlowRequestGuard(Vertx vertx, long timeoutMs, Handler<HttpServerRequest> next) {
    this.vertx = vertx;
    this.timeoutMs = timeoutMs;
    this.next = next;
  }

  @Override
  public void handle(HttpServerRequest request) {
    if (!request.isEnded()) {
      long timer = vertx.setTimer(timeoutMs, id -> {
        if (!request.isEnded() && !request.response().ended()) {
          request.response().setStatusCode(408).putHeader("Connection", "close")
              .putHeader("Content-Type", "application/json")
              .end("{\"error\":\"request body not received within http.bodyTimeout\"}")
              .onComplete(v -> request.connection().close());
        }
      });
      request.response().closeHandler(v -> vertx.cancelTimer(timer));
      request.response().endHandler(v -> vertx.cancelTimer(timer));
    }
    next.handle(request);
  }
}
