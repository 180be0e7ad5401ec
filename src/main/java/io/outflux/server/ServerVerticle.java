package io.outflux.server;

import io.outflux.cluster.ClusterWatch;
import io.outflux.ingest.InfluxWriterVerticle;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A central node's entry point ({@code outflux server}): validates the config, then deploys the
 * InfluxDB writer and the HTTP front (writer first, so the front never routes to a missing consumer).
 */
public final class ServerVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(ServerVerticle.class);

  private FrontVerticle front;
  private java.util.Optional<ClusterWatch> watch = java.util.Optional.empty();

  @Override
  public Future<?> start() {
    ServerConfig config;
    try {
      config = ServerConfig.parse(config(), System.getenv());
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    ServerBus.registerCodecs(vertx);
    watch = ClusterWatch.start(vertx, config.cluster().quorum());
    // http.instances fronts share the port (Vert.x spreads connections over them), each on its event loop
    java.util.function.Supplier<FrontVerticle> fronts = () -> {
      FrontVerticle f = new FrontVerticle(config.front(), config.influx().timeout(), config.cluster(),
          config.influx().url(), config.influx().version());
      if (front == null) {
        front = f;
      }
      return f;
    };
    return vertx.deployVerticle(new InfluxWriterVerticle(config.influx()))
        .compose(id -> vertx.deployVerticle(fronts, new io.vertx.core.DeploymentOptions()
            .setInstances(config.front().instances())))
        .onSuccess(id -> log.info("outflux server started: InfluxDB {} (up to {} concurrent writes), {} front instance(s){}",
            config.influx().url(), config.influx().maxConcurrentWrites(), config.front().instances(),
            vertx.isClustered() ? ", clustered" : ""));
  }

  @Override
  public Future<?> stop() {
    watch.ifPresent(ClusterWatch::close);
    return Future.succeededFuture();
  }

  public int actualPort() {
    return front.actualPort();
  }
}
