package io.outflux.server;

import io.outflux.protocol.Credentials;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * Guards the server's operator endpoints ({@code /api/v1/clients}, {@code /api/v1/flush}, and
 * {@code /metrics} with {@code auth.protectMetrics}): the request must carry the credentials of an
 * InfluxDB admin of the backing InfluxDB (HTTP Basic for 1.x, an operator token for 2.x), checked
 * the same way as a client's (asked of InfluxDB, cached by salted hash, under the same throttle).
 * There is no second user store. No {@code WWW-Authenticate} challenge: the fleet page asks for the
 * credentials itself, and a browser's own dialog would get in its way.
 */
final class OperatorAuth implements Handler<RoutingContext> {

  private final BatchIngest ingest;

  OperatorAuth(BatchIngest ingest) {
    this.ingest = ingest;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Optional<Credentials> credentials = Credentials.fromAuthorizationHeader(ctx.request().getHeader("Authorization"));
    if (credentials.isEmpty()) {
      BatchHandler.error(ctx, 401, "operator endpoint: send the user name and password of an InfluxDB admin as HTTP "
          + "Basic (or an InfluxDB 2.x operator token)");
      return;
    }
    String remote = ctx.request().remoteAddress() == null ? "unknown" : ctx.request().remoteAddress().hostAddress();
    ctx.request().pause();
    ingest.admitOperator(credentials.get(), remote).onComplete(ar -> {
      ctx.request().resume();
      if (ar.succeeded() && ar.result().isEmpty()) {
        ctx.next();
        return;
      }
      IngestOutcome.NotStored n = ar.succeeded() ? ar.result().get()
          : Admission.retryLater("cannot check credentials: " + ar.cause().getMessage());
      n.retryAfter().ifPresent(d -> ctx.response().putHeader("Retry-After", Long.toString(Math.max(1, d.toSeconds()))));
      BatchHandler.error(ctx, n.status(), n.status() == 403
          ? "operator endpoint: InfluxDB says this user is not an admin (" + n.message() + ")" : n.message());
    });
  }
}
