package io.outflux.server;

import io.outflux.ingest.WriteRequest;
import io.outflux.ingest.WriteResult;
import io.outflux.lineprotocol.Precision;
import io.outflux.protocol.Credentials;
import io.outflux.protocol.WireProtocol;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * {@code POST /api/v1/check} ({@link WireProtocol#CHECK_PATH}): would a batch with these credentials
 * to this database be stored? Checks the credentials like a batch (the same guessing throttle), then
 * sends InfluxDB an empty write with them, which it authorises and routes exactly like a real one
 * but stores nothing. Used by {@code outflux check}.
 */
final class CheckHandler implements Handler<RoutingContext> {

  private final Vertx vertx;
  private final BatchIngest ingest;
  private final long busTimeoutMs;

  CheckHandler(Vertx vertx, BatchIngest ingest, long busTimeoutMs) {
    this.vertx = vertx;
    this.ingest = ingest;
    this.busTimeoutMs = busTimeoutMs;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Optional<Credentials> credentials = Credentials.fromAuthorizationHeader(ctx.request().getHeader("Authorization"));
    String asked = Optional.ofNullable(ctx.request().getParam(WireProtocol.PARAM_DB))
        .orElse(ctx.request().getParam(WireProtocol.PARAM_BUCKET));
    if (credentials.isEmpty() || asked == null || asked.isBlank()) {
      BatchHandler.error(ctx, 400, "send the InfluxDB credentials as Authorization and the database as db");
      return;
    }
    SiteConfig.Target target = ingest.route(
        Optional.ofNullable(ctx.request().getHeader(WireProtocol.HEADER_CLIENT_ID)).orElse(""),
        CertificateName.of(ctx.request()), asked,
        Optional.ofNullable(ctx.request().getParam(WireProtocol.PARAM_RP)).orElse(""));
    String db = target.database();
    String rp = target.retentionPolicy();
    String remote = ctx.request().remoteAddress() == null ? "unknown" : ctx.request().remoteAddress().hostAddress();
    ingest.admit(credentials.get(), db, rp, remote).onComplete(admitted -> {
      if (admitted.failed()) {
        BatchHandler.error(ctx, 503, "cannot check: " + admitted.cause().getMessage());
      } else if (admitted.result().isPresent()) {
        IngestOutcome.NotStored refused = admitted.result().get();
        BatchHandler.error(ctx, refused.status(), refused.message());
      } else {
        emptyWrite(ctx, credentials.get(), db, rp, target.routed(), asked);
      }
    });
  }

  private void emptyWrite(RoutingContext ctx, Credentials credentials, String db, String rp, boolean routed,
                          String asked) {
    WriteRequest probe = new WriteRequest(credentials, db, rp, Precision.NS, Buffer.buffer(), 0);
    vertx.eventBus().<WriteResult>request(ServerBus.WRITE, probe, ServerBus.local(busTimeoutMs))
        .onSuccess(msg -> {
          WriteResult r = msg.body();
          JsonObject answer = new JsonObject().put("credentials", "accepted").put("database", db);
          if (r instanceof WriteResult.Written) {
            answer.put("write", "allowed");
            if (routed) {
              answer.put("routedFrom", asked);
            }
            siteAnswer(ctx, answer, db);
          } else if (r instanceof WriteResult.AuthFailed a) {
            BatchHandler.error(ctx, a.status(), "InfluxDB: " + a.message());
          } else if (r instanceof WriteResult.Failed f) {
            BatchHandler.error(ctx, f.status(), "InfluxDB: " + f.message());
          } else if (r instanceof WriteResult.Retryable u) {
            BatchHandler.error(ctx, 503, u.message());
          }
        })
        .onFailure(err -> BatchHandler.error(ctx, 503, "cannot check the write: " + err.getMessage()));
  }

  /**
   * Adds the site tag this client's lines get in {@code db} ({@code "siteTag": {"name", "value"}},
   * absent when off) and how many other clients the fleet view knows ({@code "otherClients"}), so
   * that {@code outflux check} can recommend the tag when several clients share the server.
   */
  private void siteAnswer(RoutingContext ctx, JsonObject answer, String db) {
    String clientId = Optional.ofNullable(ctx.request().getHeader(WireProtocol.HEADER_CLIENT_ID)).orElse("");
    SiteConfig sites = ingest.sites();
    if (sites.tags(db)) {
      answer.put("siteTag", new JsonObject().put("name", sites.tagName())
          .put("value", SiteConfig.siteOf(clientId, CertificateName.of(ctx.request()))));
    }
    ingest.fleet().list()
        .map(clients -> clients.stream().filter(c -> c instanceof JsonObject o
            && !clientId.equals(o.getString("clientId"))).count())
        .otherwise(-1L)
        .onComplete(n -> ctx.json(n.result() >= 0 ? answer.put("otherClients", n.result()) : answer));
  }
}
