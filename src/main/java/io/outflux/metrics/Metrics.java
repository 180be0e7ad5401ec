package io.outflux.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * The process's one Prometheus registry. Process-wide on purpose: components register their meters
 * here whether they were started by the launcher or deployed by a test, and {@code GET /metrics} on
 * the server front and on the client's admin endpoint serve it. Meter names are prefixed
 * {@code outflux_client_} or {@code outflux_server_}; no label carries a client id or a secret.
 */
public final class Metrics {

  private static final PrometheusMeterRegistry REGISTRY = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  private Metrics() {
  }

  public static MeterRegistry registry() {
    return REGISTRY;
  }

  /** Serves the registry in Prometheus' text format. */
  public static Handler<RoutingContext> handler() {
    return ctx -> ctx.response()
        .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
        .end(REGISTRY.scrape());
  }
}
