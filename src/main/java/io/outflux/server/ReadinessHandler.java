package io.outflux.server;

import io.outflux.cluster.ClusterMembers;
import io.outflux.cluster.Quorum;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.util.function.BooleanSupplier;

/**
 * {@code GET /ready}: 200 when this node can do its job (InfluxDB answers its {@code /ping}, which
 * needs no credentials on 1.x and 2.x alike), 503 with the reason otherwise, so a load balancer
 * sends clients to other nodes while this one's InfluxDB is away, while a clustered node is not a
 * running member of its cluster, while it sees fewer cluster members than {@code cluster.quorum}
 * (a minority partition: cut off, or it was frozen), and while the node is stopping. Liveness is {@code /health}.
 */
final class ReadinessHandler implements Handler<RoutingContext> {

  private static final long PING_TIMEOUT_MS = 2000;

  private final Vertx vertx;
  private final WebClient client;
  private final String pingUrl;
  private final BooleanSupplier stopping;
  private final Quorum quorum;

  ReadinessHandler(Vertx vertx, URI influxUrl, Quorum quorum, BooleanSupplier stopping) {
    this.vertx = vertx;
    this.quorum = quorum;
    this.stopping = stopping;
    this.client = WebClient.create(vertx);
    String base = influxUrl.toString();
    this.pingUrl = (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/ping";
  }

  @Override
  public void handle(RoutingContext ctx) {
    String cluster = ClusterMembers.state(vertx);
    JsonObject status = new JsonObject().put("cluster", cluster);
    java.util.Optional<Integer> members = ClusterMembers.servers(vertx);
    members.ifPresent(n -> status.put("members", n));
    Quorum.Verdict verdict = members.map(quorum::of).orElse(Quorum.Verdict.UNCHECKED);
    if (verdict != Quorum.Verdict.UNCHECKED) {
      status.put("expected", quorum.expected()).put("quorum", quorum.quorum())
          .put("partition", verdict.name().toLowerCase(java.util.Locale.ROOT));
    }
    if (stopping.getAsBoolean()) {
      ctx.response().setStatusCode(503);
      ctx.json(status.put("status", "DOWN").put("stopping", true));
      return;
    }
    if (!cluster.equals(ClusterMembers.JOINED) && !cluster.equals(ClusterMembers.STANDALONE)) {
      ctx.response().setStatusCode(503);
      ctx.json(status.put("status", "DOWN"));
      return;
    }
    if (verdict == Quorum.Verdict.MINORITY) {
      ctx.response().setStatusCode(503);
      ctx.json(status.put("status", "DOWN"));
      return;
    }
    client.getAbs(pingUrl).timeout(PING_TIMEOUT_MS).send()
        .map(r -> r.statusCode() / 100 == 2 ? "UP" : "answered " + r.statusCode())
        .otherwise(err -> "unreachable: " + err.getMessage())
        .onSuccess(influx -> {
          boolean ready = influx.equals("UP");
          ctx.response().setStatusCode(ready ? 200 : 503);
          ctx.json(status.put("status", ready ? "UP" : "DOWN").put("influxdb", influx));
        });
  }

}
