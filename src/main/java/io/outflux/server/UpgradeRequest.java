package io.outflux.server;

import io.outflux.lineprotocol.Precision;
import io.outflux.protocol.ClientId;
import io.outflux.protocol.Credentials;
import io.outflux.protocol.WireProtocol;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * What a WebSocket upgrade ({@code /api/v1/stream}, {@code /api/v1/control}) carries, read like a
 * batch POST: credentials, database, retention policy, precision and client id.
 */
record UpgradeRequest(Credentials credentials, String database, String retentionPolicy, Precision precision,
                      String clientId, String remoteHost) {

  /** The request's parts, or empty once it was answered with 400 or 401. */
  static Optional<UpgradeRequest> read(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    Optional<Credentials> credentials = Credentials.fromAuthorizationHeader(req.getHeader("Authorization"));
    if (credentials.isEmpty()) {
      BatchHandler.error(ctx, 401, "missing or unreadable Authorization header: send the InfluxDB user and password as HTTP Basic");
      return Optional.empty();
    }
    String db = req.getParam(WireProtocol.PARAM_DB);
    if (db == null || db.isBlank()) {
      BatchHandler.error(ctx, 400, "query parameter \"db\" (the InfluxDB database) is required");
      return Optional.empty();
    }
    Precision precision;
    try {
      precision = Precision.fromWire(Optional.ofNullable(req.getParam(WireProtocol.PARAM_PRECISION)).orElse("ns"));
    } catch (IllegalArgumentException e) {
      BatchHandler.error(ctx, 400, e.getMessage());
      return Optional.empty();
    }
    String clientId = Optional.ofNullable(req.getHeader(WireProtocol.HEADER_CLIENT_ID)).orElse("");
    if (!ClientId.isValid(clientId)) {
      BatchHandler.error(ctx, 400, "header " + WireProtocol.HEADER_CLIENT_ID + " must be a client id: " + ClientId.rule());
      return Optional.empty();
    }
    String rp = Optional.ofNullable(req.getParam(WireProtocol.PARAM_RP)).orElse("");
    String remote = req.remoteAddress() == null ? "unknown" : req.remoteAddress().hostAddress();
    return Optional.of(new UpgradeRequest(credentials.get(), db, rp, precision, clientId, remote));
  }
}
