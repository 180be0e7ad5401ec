package io.outflux.ingest;

import io.outflux.server.ServerBus;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/** Adapts the backing {@link InfluxBackend} to the node's event bus. */
public final class InfluxWriterVerticle extends VerticleBase {

  private final InfluxBackendConfig config;
  private InfluxBackend backend;

  public InfluxWriterVerticle(InfluxBackendConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    backend = config.version() == 2 ? new InfluxV2Backend(vertx, config) : new InfluxV1Backend(vertx, config);
    vertx.eventBus().<AuthRequest>localConsumer(ServerBus.AUTHENTICATE,
        msg -> backend.authenticate(msg.body()).onSuccess(msg::reply));
    vertx.eventBus().<WriteRequest>localConsumer(ServerBus.WRITE,
        msg -> backend.write(msg.body()).onSuccess(msg::reply));
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    return backend.close();
  }
}
