package io.outflux.server;

import io.outflux.ingest.AuthResult;
import io.outflux.ingest.WriteRequest;
import io.outflux.ingest.WriteResult;
import io.outflux.protocol.BatchReply;
import io.outflux.protocol.Credentials;
import io.outflux.protocol.Precision;
import io.outflux.protocol.WireProtocol;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/v1/batches}: authenticate the client with its own InfluxDB credentials, write
 * its lines with them, and acknowledge only once InfluxDB has answered 2xx.
 */
final class BatchHandler implements Handler<RoutingContext> {

  private static final Logger log = LoggerFactory.getLogger(BatchHandler.class);

  private final Vertx vertx;
  private final CredentialCache cache;
  private final long busTimeoutMs;

  BatchHandler(Vertx vertx, FrontConfig config, Duration backendTimeout) {
    this.vertx = vertx;
    this.cache = new CredentialCache(config.authCacheTtl(), System::nanoTime);
    // the writer answers every request itself (timeouts included); this only guards against a bug
    this.busTimeoutMs = backendTimeout.multipliedBy(4).toMillis() + 10_000;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Optional<Credentials> credentials = Credentials.fromAuthorizationHeader(ctx.request().getHeader("Authorization"));
    if (credentials.isEmpty()) {
      error(ctx, 401, "missing or unreadable Authorization header: send the InfluxDB user and password as HTTP Basic");
      return;
    }
    String db = ctx.request().getParam(WireProtocol.PARAM_DB);
    if (db == null || db.isBlank()) {
      error(ctx, 400, "query parameter \"db\" (the InfluxDB database) is required");
      return;
    }
    Precision precision;
    try {
      precision = Precision.fromWire(Optional.ofNullable(ctx.request().getParam(WireProtocol.PARAM_PRECISION)).orElse("ns"));
    } catch (IllegalArgumentException e) {
      error(ctx, 400, e.getMessage());
      return;
    }
    long seq = parseSeq(ctx.request().getHeader(WireProtocol.HEADER_SEQ));
    Buffer lines = ctx.body().buffer();
    if (lines == null) {
      lines = Buffer.buffer();
    }
    String rp = Optional.ofNullable(ctx.request().getParam(WireProtocol.PARAM_RP)).orElse("");
    WriteRequest request = new WriteRequest(credentials.get(), db, rp, precision, lines, countLines(lines));
    authenticate(credentials.get()).onComplete(ar -> {
      if (ar.failed()) {
        error(ctx, 503, "credential check failed: " + ar.cause().getMessage());
        return;
      }
      AuthResult result = ar.result();
      if (result instanceof AuthResult.Accepted) {
        write(ctx, request, seq);
      } else if (result instanceof AuthResult.Rejected r) {
        log.info("refused {} from {}: InfluxDB answered {}", credentials.get().principal(),
            ctx.request().remoteAddress(), r.status());
        error(ctx, 401, "InfluxDB refused the credentials of " + credentials.get().principal() + ": " + r.message());
      } else if (result instanceof AuthResult.Unavailable u) {
        retryLater(ctx, "cannot check credentials: " + u.message(), Duration.ofSeconds(1));
      }
    });
  }

  private Future<AuthResult> authenticate(Credentials credentials) {
    if (cache.isAccepted(credentials)) {
      return Future.succeededFuture(new AuthResult.Accepted());
    }
    return vertx.eventBus().<AuthResult>request(ServerBus.AUTHENTICATE, credentials, ServerBus.local(busTimeoutMs))
        .map(msg -> {
          if (msg.body() instanceof AuthResult.Accepted) {
            cache.accepted(credentials);
          }
          return msg.body();
        });
  }

  private void write(RoutingContext ctx, WriteRequest request, long seq) {
    if (request.lineCount() == 0) {
      ctx.json(new BatchReply(seq, 0, java.util.List.of()).toJson());
      return;
    }
    vertx.eventBus().<WriteResult>request(ServerBus.WRITE, request, ServerBus.local(busTimeoutMs))
        .onFailure(err -> retryLater(ctx, "write failed: " + err.getMessage(), Duration.ofSeconds(1)))
        .onSuccess(msg -> {
          WriteResult result = msg.body();
          if (result instanceof WriteResult.Written w) {
            ctx.json(new BatchReply(seq, w.written(), w.rejected()).toJson());
          } else if (result instanceof WriteResult.AuthFailed a) {
            error(ctx, a.status(), "InfluxDB: " + a.message());
          } else if (result instanceof WriteResult.Retryable r) {
            retryLater(ctx, r.message(), r.retryAfter());
          } else if (result instanceof WriteResult.Failed f) {
            error(ctx, f.status(), "InfluxDB: " + f.message());
          }
        });
  }

  private static void retryLater(RoutingContext ctx, String message, Duration retryAfter) {
    ctx.response().putHeader("Retry-After", Long.toString(Math.max(1, retryAfter.toSeconds())));
    error(ctx, 503, message);
  }

  static void error(RoutingContext ctx, int status, String message) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response().setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("error", message).encode());
  }

  private static long parseSeq(String header) {
    try {
      return header == null ? 0 : Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  static long countLines(Buffer lines) {
    long count = 0;
    int length = lines.length();
    for (int i = 0; i < length; i++) {
      if (lines.getByte(i) == '\n') {
        count++;
      }
    }
    if (length > 0 && lines.getByte(length - 1) != '\n') {
      count++;
    }
    return count;
  }
}
