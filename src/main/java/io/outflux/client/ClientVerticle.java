package io.outflux.client;

import io.outflux.batch.BatchVerticle;
import io.outflux.spool.Checkpoint;
import io.outflux.spool.CheckpointStore;
import io.outflux.spool.SpoolTailVerticle;
import io.outflux.transport.TransportVerticle;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge side's entry point ({@code outflux client}): validates the config, reads the checkpoint
 * and deploys the pipeline, downstream first so that nothing is sent to an address without a
 * consumer: transport, then batcher, then tail.
 */
public final class ClientVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(ClientVerticle.class);

  @Override
  public Future<?> start() {
    ClientConfig config;
    try {
      config = ClientConfig.parse(config(), System.getenv());
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    ClientBus.registerCodecs(vertx);
    CheckpointStore store = new CheckpointStore(config.spool().checkpoint());
    return vertx.executeBlocking(store::load)
        .compose(checkpoint -> deployPipeline(config, checkpoint))
        .onSuccess(v -> log.info("outflux client {} started: spool {}, {} to {}, rule {}", config.clientId(),
            config.spool().path(), config.influx(), config.transport().servers(), config.sync().rule()));
  }

  private Future<?> deployPipeline(ClientConfig config, Checkpoint checkpoint) {
    log.info("checkpoint {}: synced up to offset {} of {} ({}), last acknowledged batch {}",
        config.spool().checkpoint(), checkpoint.synced().offset(), checkpoint.synced().name(),
        checkpoint.synced().file(), checkpoint.lastAckedSeq());
    return vertx.deployVerticle(new TransportVerticle(config.clientId(), config.influx(), config.transport(),
            config.source()))
        .compose(id -> vertx.deployVerticle(new BatchVerticle(config.sync(), checkpoint)))
        .compose(id -> vertx.deployVerticle(new SpoolTailVerticle(config.spool(), config.influx().precision(), checkpoint)));
  }
}
