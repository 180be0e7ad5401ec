package io.outflux.ingest;

import io.outflux.server.ServerBus;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adapts the backing {@link InfluxBackend} to the node's event bus, and logs when InfluxDB becomes
 * unavailable and when it is back ({@link InfluxOutage}: state changes, not one line per batch).
 */
public final class InfluxWriterVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(InfluxWriterVerticle.class);

  private final InfluxBackendConfig config;
  private InfluxBackend backend;
  private InfluxOutage outage;

  public InfluxWriterVerticle(InfluxBackendConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    backend = config.version() == 2 ? new InfluxV2Backend(vertx, config) : new InfluxV1Backend(vertx, config);
    outage = new InfluxOutage(config.url().toString(), System::nanoTime);
    vertx.eventBus().<AuthRequest>localConsumer(ServerBus.AUTHENTICATE,
        msg -> backend.authenticate(msg.body()).onSuccess(result -> {
          observe(result instanceof AuthResult.Unavailable u ? u.message() : null, false);
          msg.reply(result);
        }));
    vertx.eventBus().<WriteRequest>localConsumer(ServerBus.WRITE,
        msg -> backend.write(msg.body()).onSuccess(result -> {
          observe(result instanceof WriteResult.Retryable r ? r.message() : null, true);
          msg.reply(result);
        }));
    return Future.succeededFuture();
  }

  /** @param unavailable why InfluxDB could not take the request, null when it answered */
  private void observe(String unavailable, boolean batch) {
    if (unavailable != null) {
      outage.unavailable(unavailable, batch).ifPresent(c -> log.warn(c.message()));
    } else {
      outage.answered().ifPresent(c -> log.info(c.message()));
    }
  }

  @Override
  public Future<?> stop() {
    return backend.close();
  }
}
