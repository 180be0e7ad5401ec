package io.outflux.client;

import io.outflux.admin.AdminConfig;
import io.outflux.admin.AdminVerticle;
import io.outflux.batch.BatchVerticle;
import io.outflux.batch.SyncRule;
import io.outflux.meter.InterfaceState;
import io.outflux.meter.QuotaStore;
import io.outflux.spool.Checkpoint;
import io.outflux.spool.CheckpointStore;
import io.outflux.spool.SpoolTailVerticle;
import io.outflux.transport.TransportVerticle;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge side's entry point ({@code outflux client}): validates the config, reads the checkpoint
 * and deploys the pipeline, downstream first so that nothing is sent to an address without a
 * consumer: the dead-letter file's owner, then (as its children, so that they stop before it)
 * transport, batcher, tail, and the local admin endpoint.
 */
public final class ClientVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(ClientVerticle.class);

  private AdminVerticle admin;
  private final InterfaceState interfaces;

  public ClientVerticle() {
    this(null);
  }

  /** @param interfaces reads the state of {@code link.interface} (tests switch it); null: {@code /sys/class/net} */
  public ClientVerticle(InterfaceState interfaces) {
    this.interfaces = interfaces;
  }

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
    return vertx.executeBlocking(() -> {
          Checkpoint loaded = store.load();
          store.prepare(loaded); // preallocated now: later saves need no new disk blocks
          return loaded;
        })
        .compose(checkpoint -> vertx.deployVerticle(new io.outflux.deadletter.DeadLetterVerticle(
            config.spool().deadLetter(), ClientMeters.of(config.clientId()), () -> deployPipeline(config, checkpoint))))
        .onSuccess(v -> log.info("outflux client {} started: spool {}, {} to {}, rule {}", config.clientId(),
            config.spool().path(), config.influx(), config.transport().servers(), config.sync().rule()));
  }

  private Future<?> deployPipeline(ClientConfig config, Checkpoint checkpoint) {
    if (checkpoint.synced().file().equals(io.outflux.spool.FileId.UNKNOWN)) {
      log.info("no checkpoint in {} yet: syncing the spool from its beginning", config.spool().checkpoint());
    } else {
      log.info("checkpoint {}: synced up to offset {} of {} ({}), last acknowledged batch {}",
          config.spool().checkpoint(), checkpoint.synced().offset(), checkpoint.synced().name(),
          checkpoint.synced().file(), checkpoint.lastAckedSeq());
    }
    boolean streaming = config.sync().rule() == SyncRule.STREAMING;
    ClientMeters meters = ClientMeters.of(config.clientId());
    Optional<QuotaStore> quota = Optional.of(new QuotaStore(Path.of(config.spool().checkpoint() + ".quota")));
    return vertx.deployVerticle(new TransportVerticle(config.clientId(), config.influx(), config.transport(),
            streaming, config.source(), Clock.systemDefaultZone(), interfaces, quota)
            .keepDictionaryIn(Path.of(config.spool().checkpoint() + ".zdict")))
        .compose(id -> vertx.deployVerticle(new BatchVerticle(config.sync(), checkpoint, meters)))
        .compose(id -> vertx.deployVerticle(new SpoolTailVerticle(config.spool(), config.influx().precision(), checkpoint,
            config.sync().catchUp(), config.sync().catchUpThreshold(), meters)))
        // last of the pipeline: a flush the server asks for over it needs the batcher and the tail
        .compose(id -> vertx.deployVerticle(new io.outflux.transport.ControlChannel(config.clientId(), config.influx(),
            config.transport())))
        .compose(id -> config.audit().enabled()
            ? vertx.deployVerticle(new io.outflux.audit.AuditVerticle(config.clientId(), config.audit(),
                config.edge().orElseThrow(), config.influx(), config.transport(), config.spool().path(),
                Path.of(config.spool().checkpoint() + ".audit"), Clock.systemUTC()))
            : Future.succeededFuture(id))
        .compose(id -> deployAdmin(config.admin(), config.clientId(), config.transport(),
            io.outflux.admin.AdminToken.pathFor(config.spool().checkpoint())));
  }

  private Future<?> deployAdmin(AdminConfig adminConfig, String clientId, io.outflux.transport.TransportConfig transport,
                                Path tokenFile) {
    if (!adminConfig.enabled()) {
      return Future.succeededFuture();
    }
    AdminVerticle verticle = new AdminVerticle(adminConfig, clientId, transport, tokenFile);
    // syncing matters more than the admin endpoint: a taken port is reported, not fatal
    return vertx.deployVerticle(verticle)
        .onSuccess(id -> admin = verticle)
        .recover(err -> {
          log.error("the admin endpoint could not listen on {}:{} ({}); the client syncs without it, but outflux flush"
              + " and POST /flush are unavailable: set admin.port to a free port", adminConfig.host(), adminConfig.port(),
              err.getMessage());
          return Future.succeededFuture();
        });
  }

  /** The admin endpoint's bound port (useful when the configured port is 0); -1 when it is disabled. */
  public int adminPort() {
    return admin == null ? -1 : admin.actualPort();
  }
}
