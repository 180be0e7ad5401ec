package io.outflux.server;

import io.outflux.audit.AuditQuery;
import io.outflux.protocol.ClientId;
import io.outflux.protocol.Credentials;
import io.outflux.protocol.WireProtocol;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /api/v1/audit} ({@link AuditQuery#PATH}): how many field values the central InfluxDB
 * holds per measurement and window for this client, so that its audit can compare them with the
 * edge's (docs/audit.md). Parameters: {@code db}, {@code rp}, {@code from} and {@code to} (ns),
 * {@code window} (seconds), {@code measurement} (repeated). The credentials are admitted like a
 * batch (write permission on the routed database, the same throttle); the query runs with them
 * too, so their user needs READ as well. With the site tag on, only the client's own site is
 * counted. Bounded: {@link AuditQuery#MAX_MEASUREMENTS}, {@link AuditQuery#MAX_WINDOWS}, and
 * InfluxDB's answer within {@code influx.timeout}.
 */
final class AuditHandler implements Handler<RoutingContext> {

  private final BatchIngest ingest;
  private final WebClient web;
  private final URI influxUrl;
  private final long timeoutMs;
  private final boolean v1;

  AuditHandler(Vertx vertx, BatchIngest ingest, URI influxUrl, long timeoutMs, boolean v1) {
    this.ingest = ingest;
    this.influxUrl = influxUrl;
    this.timeoutMs = timeoutMs;
    this.v1 = v1;
    this.web = WebClient.create(vertx, new WebClientOptions().setUserAgent("outflux-server-audit"));
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    Optional<Credentials> credentials = Credentials.fromAuthorizationHeader(req.getHeader("Authorization"));
    String clientId = Optional.ofNullable(req.getHeader(WireProtocol.HEADER_CLIENT_ID)).orElse("");
    String asked = req.getParam(WireProtocol.PARAM_DB);
    if (credentials.isEmpty() || asked == null || asked.isBlank() || !ClientId.isValid(clientId)) {
      BatchHandler.error(ctx, 400, "send the InfluxDB credentials as Authorization, the database as db and the "
          + "client id as " + WireProtocol.HEADER_CLIENT_ID);
      return;
    }
    if (!v1) {
      BatchHandler.error(ctx, 501, "the audit reads InfluxDB 1.x only (influx.version is 2)");
      return;
    }
    List<String> measurements = req.params().getAll("measurement");
    AuditQuery.Span span;
    try {
      span = new AuditQuery.Span(Long.parseLong(req.getParam("from", "")), Long.parseLong(req.getParam("to", "")),
          Long.parseLong(req.getParam("window", "")));
    } catch (NumberFormatException e) {
      BatchHandler.error(ctx, 400, "from and to (ns) and window (s) must be whole numbers");
      return;
    }
    Optional<String> problem = span.problem(measurements.size());
    if (problem.isPresent()) {
      BatchHandler.error(ctx, 400, problem.get());
      return;
    }
    Optional<String> certificate = CertificateName.of(req);
    SiteConfig.Target target = ingest.route(clientId, certificate, asked,
        Optional.ofNullable(req.getParam(WireProtocol.PARAM_RP)).orElse(""));
    String remote = req.remoteAddress() == null ? "unknown" : req.remoteAddress().hostAddress();
    ingest.admit(credentials.get(), target.database(), target.retentionPolicy(), remote).onComplete(admitted -> {
      if (admitted.failed()) {
        BatchHandler.error(ctx, 503, "cannot check the credentials: " + admitted.cause().getMessage());
      } else if (admitted.result().isPresent()) {
        BatchHandler.error(ctx, admitted.result().get().status(), admitted.result().get().message());
      } else {
        count(ctx, credentials.get(), target, measurements, span, clientId, certificate);
      }
    });
  }

  /**
   * {@code POST /api/v1/audit}: the client's audit summary for the fleet view ({@code verifiedUpTo},
   * {@code windows}, up to {@link #MAX_REPORTED} {@code unrepairable} windows). Admitted like a
   * batch; only the known keys are kept, texts cut, so a client cannot fill the fleet map.
   */
  void report(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    Optional<Credentials> credentials = Credentials.fromAuthorizationHeader(req.getHeader("Authorization"));
    String clientId = Optional.ofNullable(req.getHeader(WireProtocol.HEADER_CLIENT_ID)).orElse("");
    String asked = req.getParam(WireProtocol.PARAM_DB);
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      body = null;
    }
    if (credentials.isEmpty() || asked == null || asked.isBlank() || !ClientId.isValid(clientId) || body == null) {
      BatchHandler.error(ctx, 400, "send the credentials, db, " + WireProtocol.HEADER_CLIENT_ID + " and a JSON body");
      return;
    }
    JsonObject report = sanitized(body);
    SiteConfig.Target target = ingest.route(clientId, CertificateName.of(req), asked,
        Optional.ofNullable(req.getParam(WireProtocol.PARAM_RP)).orElse(""));
    String remote = req.remoteAddress() == null ? "unknown" : req.remoteAddress().hostAddress();
    ingest.admit(credentials.get(), target.database(), target.retentionPolicy(), remote).onComplete(admitted -> {
      if (admitted.failed()) {
        BatchHandler.error(ctx, 503, "cannot check the credentials: " + admitted.cause().getMessage());
      } else if (admitted.result().isPresent()) {
        BatchHandler.error(ctx, admitted.result().get().status(), admitted.result().get().message());
      } else {
        ingest.fleet().audited(clientId, report)
            .onSuccess(v -> ctx.json(new JsonObject().put("recorded", true)))
            .onFailure(err -> BatchHandler.error(ctx, 503, "fleet view unavailable: " + err.getMessage()));
      }
    });
  }

  static final int MAX_REPORTED = 10;

  static JsonObject sanitized(JsonObject body) {
    JsonObject out = new JsonObject();
    Object verified = body.getValue("verifiedUpTo");
    if (verified instanceof String v) {
      try {
        out.put("verifiedUpTo", java.time.Instant.parse(v).toString());
      } catch (java.time.format.DateTimeParseException e) {
        // left out
      }
    }
    if (body.getValue("windows") instanceof JsonObject w) {
      JsonObject windows = new JsonObject();
      for (String k : List.of("checked", "differing", "repaired", "unrepairable")) {
        if (w.getValue(k) instanceof Number n && n.longValue() >= 0) {
          windows.put(k, n.longValue());
        }
      }
      out.put("windows", windows);
    }
    io.vertx.core.json.JsonArray bad = new io.vertx.core.json.JsonArray();
    if (body.getValue("unrepairable") instanceof io.vertx.core.json.JsonArray list) {
      for (int i = 0; i < list.size() && bad.size() < MAX_REPORTED; i++) {
        if (list.getValue(i) instanceof JsonObject u) {
          JsonObject one = new JsonObject();
          for (String k : List.of("measurement", "from", "to", "why")) {
            if (u.getValue(k) instanceof String text) {
              one.put(k, text.length() > 300 ? text.substring(0, 300) + "..." : text);
            }
          }
          bad.add(one);
        }
      }
    }
    return out.put("unrepairable", bad);
  }

  private void count(RoutingContext ctx, Credentials credentials, SiteConfig.Target target, List<String> measurements,
                     AuditQuery.Span span, String clientId, Optional<String> certificate) {
    SiteConfig sites = ingest.sites();
    Optional<Map.Entry<String, String>> tag = sites.tags(target.database())
        ? Optional.of(Map.entry(sites.tagName(), SiteConfig.siteOf(clientId, certificate))) : Optional.empty();
    var request = web.getAbs(influxUrl.toString().replaceAll("/+$", "") + "/query")
        .addQueryParam("db", target.database())
        .addQueryParam("epoch", "ns")
        .addQueryParam("q", AuditQuery.influxql(measurements, span, tag))
        .putHeader("Authorization", credentials.authorizationHeader())
        .timeout(timeoutMs);
    if (!target.retentionPolicy().isEmpty()) {
      request.addQueryParam("rp", target.retentionPolicy());
    }
    request.send().onComplete(ar -> {
      if (ar.failed()) {
        BatchHandler.error(ctx, 503, "InfluxDB did not answer the audit's count: " + ar.cause().getMessage());
        return;
      }
      var r = ar.result();
      if (r.statusCode() == 401 || r.statusCode() == 403) {
        BatchHandler.error(ctx, 403, "the audit counts with the client's credentials: user " + credentials.principal()
            + " needs READ on database " + target.database() + " (GRANT ALL ON \"" + target.database() + "\" TO ...)");
        return;
      }
      if (r.statusCode() != 200) {
        BatchHandler.error(ctx, 502, "InfluxDB answered " + r.statusCode() + " to the audit's count");
        return;
      }
      try {
        JsonObject counts = AuditQuery.toJson(AuditQuery.counts(measurements, r.bodyAsJsonObject()));
        JsonObject answer = new JsonObject().put("database", target.database()).put("counts", counts);
        tag.ifPresent(t -> answer.put("siteTag", new JsonObject().put("name", t.getKey()).put("value", t.getValue())));
        ctx.json(answer);
      } catch (RuntimeException e) {
        BatchHandler.error(ctx, 502, "InfluxDB: " + e.getMessage());
      }
    });
  }
}
