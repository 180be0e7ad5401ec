package io.outflux.batch;

import io.outflux.client.ClientBus;
import io.outflux.client.ClientMeters;
import io.vertx.core.Vertx;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands batches to the transport ({@link ClientBus#BATCHES}, bounded by {@link ClientBus#HANDOVER}).
 * The transport answers at once; without an answer (it is not deployed yet, or stuck) the batch
 * keeps its window slot and is handed over again {@link #RETRY_MS} later, with a log line, until it
 * is taken or settled: a batch is never left in the window with nobody sending it, and the slot is
 * freed by its outcome ({@link ClientBus#DELIVERED}), whichever hand-over got through.
 */
final class HandOver {

  private static final Logger log = LoggerFactory.getLogger(BatchVerticle.class);
  /** A hand-over that was not answered is tried again this much later. */
  static final long RETRY_MS = 1_000;

  private final Vertx vertx;
  private final ClientMeters meters;
  /** Whether the batch is still waiting for its outcome (not acknowledged, split or given up). */
  private final Predicate<Batch> unsettled;

  HandOver(Vertx vertx, ClientMeters meters, Predicate<Batch> unsettled) {
    this.vertx = vertx;
    this.meters = meters;
    this.unsettled = unsettled;
  }

  void send(Batch batch) {
    send(batch, 0);
  }

  private void send(Batch batch, int failures) {
    vertx.eventBus().request(ClientBus.BATCHES, batch, ClientBus.HANDOVER).onFailure(err -> {
      if (!unsettled.test(batch)) {
        return; // acknowledged (or split) meanwhile: the transport had it after all
      }
      int failed = failures + 1;
      if (failed == 1 || Integer.bitCount(failed) == 1) {
        log.warn("batch {} ({} lines) not handed to the transport (attempt {}: {}); trying again in {} ms",
            batch.seq(), batch.lines(), failed, err.getMessage(), RETRY_MS);
      }
      meters.handoverFailures.increment();
      vertx.setTimer(RETRY_MS, id -> {
        if (unsettled.test(batch)) {
          send(batch, failed);
        }
      });
    });
  }
}
