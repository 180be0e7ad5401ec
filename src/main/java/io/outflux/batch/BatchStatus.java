package io.outflux.batch;

import io.vertx.core.json.JsonObject;
import java.util.Locale;

/** The batcher's part of {@code GET /status} ({@link io.outflux.client.ClientBus#STATUS_BATCH}), answered on request. */
final class BatchStatus {

  private BatchStatus() {
  }

  /** Event loop (the batcher's). */
  static JsonObject of(BatchVerticle b) {
    SyncConfig config = b.config;
    Progress p = b.progress();
    JsonObject rule = new JsonObject().put("rule", config.rule().name().toLowerCase(Locale.ROOT).replace('_', '-'))
        .put("interval", config.interval().toMillis() + "ms")
        .put("sizeLines", config.sizeLines()).put("sizeBytes", config.sizeBytes())
        .put("maxBatchLines", config.maxBatchLines()).put("maxBatchSize", config.maxBatchSize())
        .put("maxInFlight", config.maxInFlight());
    JsonObject json = new JsonObject()
        .put("sync", rule)
        .put("backlogLines", p.backlogLines())
        .put("backlogBytes", p.backlogBytes())
        .put("lagSeconds", p.lagSeconds())
        .put("linesRead", b.linesRead)
        .put("linesAcked", b.ackedLines)
        .put("bytesAcked", b.bytesAcked)
        .put("backlogReadBytes", b.readBytes())
        .put("batchesInFlight", b.inFlight())
        .put("window", b.window.limit())
        .put("lastAckedSeq", b.lastAckedSeq)
        .put("syncedOffset", b.lanes.live.synced.offset())
        .put("flushesWaiting", b.flushes.size());
    if (b.lastAckAt != null) {
      json.put("lastAckAt", b.lastAckAt.toString());
    }
    CatchUpLanes lanes = b.lanes;
    if (lanes.catchingUp()) {
      json.put("catchUp", new JsonObject().put("order", "newest-first")
          .put("boundary", lanes.boundary.name() + " offset " + lanes.boundary.offset())
          .put("historySynced", lanes.history.synced.name() + " offset " + lanes.history.synced.offset()));
    }
    return json;
  }
}
