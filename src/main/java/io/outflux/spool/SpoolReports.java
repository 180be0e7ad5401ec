package io.outflux.spool;

import io.outflux.client.ClientBus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * What the tail tells others about the spool, each from a worker ({@link SpoolWatch} does the
 * blocking part): its part of {@code GET /status}, the spool's size and free space for the meters,
 * where the complete lines end ({@link ClientBus#SPOOL_END}, for the batcher's backlog of lines not
 * read yet), and losses. Event-loop side.
 */
final class SpoolReports {

  private final Vertx vertx;
  private final SpoolConfig config;
  private final SpoolWatch watch;

  SpoolReports(Vertx vertx, SpoolConfig config, SpoolWatch watch) {
    this.vertx = vertx;
    this.config = config;
    this.watch = watch;
  }

  /**
   * Is the spool readable, checkpoint, disk, losses.
   *
   * @param historyRead where a newest-first catch-up's history reader is; null when none runs (or between files)
   * @param checkpointProblem why checkpoints cannot be written, if they cannot
   */
  Future<JsonObject> status(long readOffset, SpoolPosition historyRead, String checkpointProblem) {
    return vertx.executeBlocking(() -> watch.status(readOffset), false)
        .map(json -> {
          if (historyRead != null) {
            json.put("historyReadOffset", historyRead.offset());
          }
          if (checkpointProblem != null) {
            json.put("checkpointProblem", checkpointProblem + " (" + config.checkpoint() + ")");
          }
          return json;
        });
  }

  /** Sums the spool files' sizes and looks at the free space, for the meters and the status. */
  void measure() {
    vertx.executeBlocking(() -> {
      watch.measure();
      return null;
    }, false);
  }

  /** Tells where the complete lines end after {@code read} (the live reader's position): a stat, caught up a short read. */
  void publishSpoolEnd(SpoolPosition read) {
    vertx.executeBlocking(() -> SpoolEnd.of(config.path(), read, SpoolEnd.ESTIMATE_LOOK_BACK), false)
        .onSuccess(end -> vertx.eventBus().publish(ClientBus.SPOOL_END, end, ClientBus.LOCAL));
  }

  /** Records a loss (metrics, the ledger) in the worker queue's order. */
  void lost(LossLedger.Loss loss) {
    vertx.executeBlocking(() -> {
      watch.record(loss);
      return null;
    }, true);
  }
}
