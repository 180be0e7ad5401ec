package io.outflux.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.outflux.metrics.Metrics;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One server deployment's own meters (Vert.x's are separate), in the process registry
 * {@link Metrics#registry()}. Every meter carries the tag {@code server=<http.host>:<http.port>},
 * so two servers in one JVM are counted apart while the names stay those operators use; all front
 * instances of one deployment (one Vert.x instance, like {@link NodeGuards}) share one set.
 */
final class ServerMeters implements Shareable {

  static final String SERVER_TAG = "server";
  private static final String MAP = "outflux.server.meters";
  /** Several servers on port 0 in one JVM (tests) are told apart by their order of deployment. */
  private static final AtomicInteger ANONYMOUS = new AtomicInteger();

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

  /** The meters of the server deployment on {@code vertx}, bound by its first front instance. */
  static ServerMeters of(Vertx vertx, FrontConfig config) {
    return vertx.sharedData().<String, ServerMeters>getLocalMap(MAP).computeIfAbsent(MAP, k -> {
      String name = config.host() + ":" + config.port() + (config.port() == 0 ? "/" + ANONYMOUS.incrementAndGet() : "");
      return new ServerMeters(Metrics.registry(), name);
    });
  }

  private ServerMeters(MeterRegistry r, String server) {
    Tags tags = Tags.of(SERVER_TAG, server);
    batchesHttp = Counter.builder("outflux_server_batches").tag("transport", "http")
        .description("batches received").tags(tags).register(r);
    batchesStream = Counter.builder("outflux_server_batches").tag("transport", "websocket")
        .description("batches received").tags(tags).register(r);
    linesIn = Counter.builder("outflux_server_lines_received")
        .description("lines received").tags(tags).register(r);
    linesWritten = Counter.builder("outflux_server_lines_written")
        .description("lines InfluxDB stored").tags(tags).register(r);
    linesAlreadyStored = Counter.builder("outflux_server_lines_already_stored")
        .description("lines of resent batches acknowledged without writing: the spool range was stored before")
        .tags(tags).register(r);
    rejectedInvalid = Counter.builder("outflux_server_lines_rejected").tag("reason", "invalid_line_protocol")
        .description("lines refused for good").tags(tags).register(r);
    rejectedByInfluxDb = Counter.builder("outflux_server_lines_rejected").tag("reason", "influxdb")
        .description("lines refused for good").tags(tags).register(r);
    rejectedSiteTag = Counter.builder("outflux_server_lines_rejected").tag("reason", "site_tag")
        .description("lines refused for good").tags(tags).register(r);
    notStored = Counter.builder("outflux_server_batches_not_stored")
        .description("batches answered with an error (auth, limits, InfluxDB unavailable)").tags(tags).register(r);
    io.outflux.metrics.BuildInfo.register(r, "server");
    authFailures = Counter.builder("outflux_server_auth_failures")
        .description("credential checks InfluxDB refused").tags(tags).register(r);
    authThrottled = Counter.builder("outflux_server_auth_throttled")
        .description("requests answered 429 by the password throttle, without asking InfluxDB").tags(tags).register(r);
  }
}
