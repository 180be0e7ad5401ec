package io.outflux.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.outflux.metrics.Metrics;

/** The server's own meters (Vert.x's are separate); all in {@link Metrics#registry()}. */
final class ServerMeters {

  static final ServerMeters INSTANCE = new ServerMeters(Metrics.registry());

  final Counter batchesHttp;
  final Counter batchesStream;
  final Counter linesIn;
  final Counter linesWritten;
  final Counter linesAlreadyStored;
  final Counter rejectedInvalid;
  final Counter rejectedByInfluxDb;
  final Counter rejectedSiteTag;
  final Counter notStored;
  final Counter authFailures;
  final Counter authThrottled;

  private ServerMeters(MeterRegistry r) {
    batchesHttp = Counter.builder("outflux_server_batches").tag("transport", "http")
        .description("batches received").register(r);
    batchesStream = Counter.builder("outflux_server_batches").tag("transport", "websocket")
        .description("batches received").register(r);
    linesIn = Counter.builder("outflux_server_lines_received").description("lines received").register(r);
    linesWritten = Counter.builder("outflux_server_lines_written").description("lines InfluxDB stored").register(r);
    linesAlreadyStored = Counter.builder("outflux_server_lines_already_stored")
        .description("lines of resent batches acknowledged without writing: the spool range was stored before")
        .register(r);
    rejectedInvalid = Counter.builder("outflux_server_lines_rejected").tag("reason", "invalid_line_protocol")
        .description("lines refused for good").register(r);
    rejectedByInfluxDb = Counter.builder("outflux_server_lines_rejected").tag("reason", "influxdb")
        .description("lines refused for good").register(r);
    rejectedSiteTag = Counter.builder("outflux_server_lines_rejected").tag("reason", "site_tag")
        .description("lines refused for good").register(r);
    notStored = Counter.builder("outflux_server_batches_not_stored")
        .description("batches answered with an error (auth, limits, InfluxDB unavailable)").register(r);
    io.outflux.metrics.BuildInfo.register(r, "server");
    authFailures = Counter.builder("outflux_server_auth_failures")
        .description("credential checks InfluxDB refused").register(r);
    authThrottled = Counter.builder("outflux_server_auth_throttled")
        .description("requests answered 429 by the password throttle, without asking InfluxDB").register(r);
  }
}
