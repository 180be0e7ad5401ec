package io.outflux.server;

import io.outflux.cluster.AckLedger;
import io.outflux.cluster.ClusterConfig;
import io.outflux.cluster.ClusterFlush;
import io.outflux.cluster.ClusterMembers;
import io.outflux.cluster.FleetView;
import io.outflux.protocol.StreamProtocol;
import io.outflux.metrics.BuildInfo;
import io.outflux.metrics.Human;
import io.outflux.metrics.Metrics;
import io.outflux.protocol.LogSafe;
import io.outflux.protocol.WireProtocol;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.URI;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The server's HTTP front: routes only; the work is in the handlers and, over the bus, in ingest. */
public final class FrontVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(FrontVerticle.class);

  private final FrontConfig config;
  private final Duration backendTimeout;
  private final ClusterConfig cluster;
  private final URI influxUrl;
  private HttpServer server;
  private BatchIngest ingest;
  private ClusterFlush flush;
  private StreamHandler streams;
  private ControlHandler control;
  private Future<JsonObject> drained;
  private NodeGuards guards;
  private Runnable removeFront = () -> { };
  private final int influxVersion;
  private boolean ownsClusterFlush;

  public FrontVerticle(FrontConfig config, Duration backendTimeout, ClusterConfig cluster, URI influxUrl) {
    this(config, backendTimeout, cluster, influxUrl, 1);
  }

  /** @param influxVersion 1 or 2 ({@code influx.version}): the audit's counts read 1.x only */
  public FrontVerticle(FrontConfig config, Duration backendTimeout, ClusterConfig cluster, URI influxUrl,
                       int influxVersion) {
    this.influxVersion = influxVersion;
    this.config = config;
    this.backendTimeout = backendTimeout;
    this.cluster = cluster;
    this.influxUrl = influxUrl;
  }

  @Override
  public Future<?> start() {
    String nodeId = ClusterMembers.nodeId(vertx);
    FleetView fleet = new FleetView(vertx, () -> nodeLabel(nodeId), cluster.fleetTtl(),
        ClusterConfig.FLEET_UPDATE_INTERVAL, cluster.fleetLiveWithin(), cluster.fleetStaleAfter(), System::currentTimeMillis);
    ingest = new BatchIngest(vertx, config, backendTimeout, new AckLedger(vertx, cluster.dedupeTtl()), fleet);
    flush = new ClusterFlush(vertx, nodeId, cluster.flushTimeout(), within -> ingest.guards().control.flush(within));
    Router router = Router.router(vertx);
    router.get(WireProtocol.HEALTH_PATH).handler(ctx -> ctx.json(new JsonObject().put("status", "UP")
        .put("service", WireProtocol.SERVICE_NAME).put("version", BuildInfo.version())));
    guards = ingest.guards();
    OperatorAuth operator = new OperatorAuth(ingest);
    router.get(WireProtocol.READY_PATH).handler(new ReadinessHandler(vertx, influxUrl, cluster.quorum(), guards::draining));
    if (config.auth().protectMetrics()) {
      router.get(WireProtocol.METRICS_PATH).handler(operator);
    }
    router.get(WireProtocol.METRICS_PATH).handler(Metrics.handler());
    router.post(WireProtocol.BATCHES_PATH)
        .handler(BodyHandler.create(false).setBodyLimit(config.maxBodySize()))
        .handler(new BatchHandler(vertx, ingest, config.maxBodySize()));
    router.put(io.outflux.protocol.DictionaryProtocol.PATH + "/:" + DictionaryHandler.PARAM_ID)
        .handler(BodyHandler.create(false).setBodyLimit(io.outflux.protocol.DictionaryProtocol.MAX_SIZE))
        .handler(new DictionaryHandler(ingest, DictionaryStore.of(vertx)));
    io.micrometer.core.instrument.Gauge.builder("outflux_server_cluster_members", vertx,
            v -> ClusterMembers.servers(v).orElse(0))
        .description("cluster members this node sees, itself included (0 when not clustered)")
        .register(Metrics.registry());
    io.micrometer.core.instrument.Gauge.builder("outflux_server_clients", fleet, FleetView::clientsHere)
        .description("distinct clients that sent to this node within cluster.fleetTtl").register(Metrics.registry());
    streams = new StreamHandler(vertx, ingest, config);
    router.get(StreamProtocol.STREAM_PATH).handler(streams);
    control = new ControlHandler(vertx, ingest, config, () -> nodeLabel(nodeId));
    router.get(io.outflux.protocol.ControlProtocol.CONTROL_PATH).handler(control);
    // every front instance of the node drains, whichever instance the stop hook's request reaches
    removeFront = guards.addFront(vertx.getOrCreateContext(), this::drain);
    vertx.eventBus().<JsonObject>localConsumer(ServerBus.DRAIN, msg -> guards.drainAll().onSuccess(msg::reply));
    router.get(WireProtocol.CLIENTS_PATH).handler(operator);
    router.post(WireProtocol.FLUSH_PATH).handler(operator);
    router.get(WireProtocol.CLIENTS_PATH).handler(ctx -> {
      Future<io.vertx.core.json.JsonArray> clients = fleet.list();
      Future<io.vertx.core.json.JsonArray> refused = fleet.refusals();
      Future.all(clients, refused)
          .onSuccess(v -> ctx.json(new JsonObject().put("node", nodeLabel(nodeId)).put("clients", clients.result())
              .put("refused", refused.result())))
          .onFailure(err -> BatchHandler.error(ctx, 503, "fleet view unavailable: " + err.getMessage()));
    });
    FleetPage.mount(router);
    router.post(WireProtocol.CHECK_PATH).handler(new CheckHandler(vertx, ingest, backendTimeout.multipliedBy(2).toMillis()
        + 5_000));
    AuditHandler audit = new AuditHandler(vertx, ingest, influxUrl, backendTimeout.toMillis(), influxVersion == 1);
    router.get(io.outflux.audit.AuditQuery.PATH).handler(audit);
    router.post(io.outflux.audit.AuditQuery.PATH).handler(BodyHandler.create(false).setBodyLimit(64 * 1024))
        .handler(audit::report);
    router.post(WireProtocol.FLUSH_PATH).handler(ctx -> flush.flushAll()
        .onSuccess(ctx::json)
        .onFailure(err -> BatchHandler.error(ctx, 503, "cluster-wide flush failed: " + err.getMessage())));
    router.route().failureHandler(ctx -> {
      int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
      if (status >= 500) {
        log.error("request {} {} failed", ctx.request().method(), LogSafe.of(ctx.request().path()), ctx.failure());
      }
      BatchHandler.error(ctx, status, status == 413
          ? "request body larger than http.maxBodySize (" + config.maxBodySize() + " bytes)"
          : status >= 500 ? "internal error" : "bad request");
    });
    HttpServerOptions options = new HttpServerOptions()
        .setHost(config.host())
        .setPort(config.port())
        // gzip bodies are inflated by GzipBody on a worker, with a 400 for a corrupt one (Netty's
        // decoder would inflate on the event loop and answer a corrupt body by closing the connection)
        .setDecompressionSupported(false)
        // one protocol path to harden: outflux clients speak HTTP/1.1 (and WebSocket over it)
        .setHttp2ClearTextEnabled(false)
        .setIdleTimeout((int) config.idleTimeout().toSeconds())
        .setMaxInitialLineLength(8192)
        .setMaxHeaderSize(16384)
        .setMaxWebSocketFrameSize(1 << 20)
        // a streamed batch arrives as one message; gzip can only make it smaller than the decoded limit
        .setMaxWebSocketMessageSize((int) Math.min(Integer.MAX_VALUE, config.maxBodySize() + 64));
    config.tls().ifPresent(tls -> tls.apply(options));
    server = vertx.createHttpServer(options)
        .connectionHandler(new ConnectionLimit(config.maxConnections(), guards.connections));
    String scheme = config.tls().isPresent() ? "https" : "http";
    // the cluster-wide flush is answered once per node, whatever the number of front instances
    ownsClusterFlush = guards.claim(ServerBus.FLUSH_ALL);
    return (ownsClusterFlush ? flush.start() : Future.<Void>succeededFuture())
        .compose(v -> server.requestHandler(
                new SlowRequestGuard(vertx, config.bodyTimeout().toMillis(), config.minBodyRate(), router))
            .listen())
        .onSuccess(s -> log.info("outflux server listening on {}://{}:{}{}", scheme, config.host(), s.actualPort(),
            config.tls().flatMap(ServerTls::clientCaFile).isPresent() ? " (client certificates required)" : ""));
  }

  @Override
  public Future<?> stop() {
    removeFront.run();
    if (streams != null) {
      streams.close();
    }
    if (ownsClusterFlush) {
      guards.release(ServerBus.FLUSH_ALL);
    }
    return flush.stop();
  }

  /**
   * A graceful stop, before Vert.x undeploys anything: the listening socket closes, {@code /ready}
   * answers 503, every request and stream batch already received is written and answered, streams
   * are closed with 1001 so their clients reconnect to another node; connections still busy after
   * {@code http.drainTimeout} are closed (their clients resend: nothing was acknowledged).
   */
  Future<JsonObject> drain() {
    if (drained == null) {
      long started = System.nanoTime();
      log.info("stopping: no new connections; finishing what is in flight (up to {})", Human.duration(config.drainTimeout()));
      control.drain();
      Future<Integer> streamsClosed = streams.drain();
      Future<Void> closed = server.shutdown(config.drainTimeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
      // both are bounded: the server closes what is still open at the timeout, which closes the streams
      drained = Future.join(streamsClosed, closed).transform(ar -> {
        long millis = (System.nanoTime() - started) / 1_000_000;
        boolean complete = streamsClosed.succeeded() && closed.succeeded() && millis < config.drainTimeout().toMillis();
        JsonObject result = new JsonObject().put("streams", streamsClosed.succeeded() ? streamsClosed.result() : -1)
            .put("millis", millis).put("complete", complete);
        log.info("stopping: front drained in {} ms{}", millis,
            complete ? "" : " (timed out: the rest was closed; unacknowledged batches are resent by their clients)");
        return Future.succeededFuture(result);
      });
    }
    return drained;
  }

  /** The node as shown in the fleet view: cluster node id and the address it serves. */
  private String nodeLabel(String nodeId) {
    return nodeId + "@" + config.host() + ":" + (server == null ? config.port() : server.actualPort());
  }

  /** The transport-independent batch entry of this front (also used by the WebSocket handler). */
  public BatchIngest ingest() {
    return ingest;
  }

  /** The bound port (useful when the configured port is 0). */
  public int actualPort() {
    return server.actualPort();
  }
}
