package io.outflux.batch;

import io.outflux.client.ClientBus;
import io.outflux.client.ClientMeters;
import io.outflux.protocol.LogSafe;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands the lines of an acknowledged batch that InfluxDB refused for good (or a single line too large
 * for any server) to the dead-letter file's owner ({@link ClientBus#DEAD_LETTER}) as a request, and
 * completes only once they are appended: until then the batch is not acknowledged to the tail, so
 * the checkpoint stays before its lines and a crash resends them. A failed or unanswered append (file
 * system full, the file's directory gone, the owner stuck) is logged, counted
 * ({@code outflux_client_dead_letter_failures}) and tried again, {@link #FIRST_RETRY_MS} later and
 * doubling up to {@link #MAX_RETRY_MS}, as long as it takes: the lines are never dropped. Meanwhile
 * the batch keeps its window slot, so a dead-letter file that stays unwritable stops the sending
 * after {@code sync.maxInFlight} batches, as a full spool disk would.
 */
final class DeadLetterHandOver {

  private static final Logger log = LoggerFactory.getLogger(BatchVerticle.class);
  static final long FIRST_RETRY_MS = 1_000;
  static final long MAX_RETRY_MS = 30_000;

  private final Vertx vertx;
  private final ClientMeters meters;
  private final DeliveryOptions wait;

  DeadLetterHandOver(Vertx vertx, ClientMeters meters, DeliveryOptions wait) {
    this.vertx = vertx;
    this.meters = meters;
    this.wait = wait;
  }

  /** @return the dead-letter file's path once the lines are appended (never fails: it retries) */
  Future<String> append(RejectedLines lines) {
    Promise<String> appended = Promise.promise();
    attempt(lines, 1, appended);
    return appended.future();
  }

  private void attempt(RejectedLines lines, int attempt, Promise<String> appended) {
    vertx.eventBus().<String>request(ClientBus.DEAD_LETTER, lines, wait).onComplete(ar -> {
      if (ar.succeeded()) {
        if (attempt > 1) {
          log.info("batch {}: its {} refused lines are in the dead-letter file {} after {} attempts; the checkpoint "
              + "moves on", lines.seq(), lines.lines().size(), ar.result().body(), attempt);
        }
        appended.complete(ar.result().body());
        return;
      }
      meters.deadLetterFailures.increment();
      long delay = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS << Math.min(attempt - 1, 16));
      if (attempt <= 3 || Integer.bitCount(attempt) == 1) {
        log.warn("batch {}: {} lines InfluxDB refused could not be put in the dead-letter file (attempt {}: {}); they "
            + "stay in the spool and the checkpoint stops before them; free space on the dead-letter file's file "
            + "system or restore its directory (spool.deadLetter; by default the spool file + .deadletter); trying again in {} ms",
            lines.seq(), lines.lines().size(), attempt, LogSafe.of(String.valueOf(ar.cause().getMessage())), delay);
      }
      vertx.setTimer(delay, id -> attempt(lines, attempt + 1, appended));
    });
  }
}
