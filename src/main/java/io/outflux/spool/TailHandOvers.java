package io.outflux.spool;

import io.outflux.client.ClientBus;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the tail hands on over the event bus: chunks to the batcher ({@link ClientBus#LINES}, asked
 * again while the batcher holds them or when nobody took them: a chunk is taken once), quarantined
 * lines to the dead-letter file's owner ({@link ClientBus#DEAD_LETTER}), and the sync of that file
 * before each checkpoint save. Event-loop confined.
 */
final class TailHandOvers {

  private static final Logger log = LoggerFactory.getLogger(SpoolTailVerticle.class);

  private final Vertx vertx;
  private final Path deadLetterFile;
  private final BooleanSupplier stopped;
  private final long retryMs;
  private final RateLimitedLog warnings = RateLimitedLog.systemClock();

  /** @param retryMs how much later lines the batcher did not take (it is not there, or failed) are offered again */
  TailHandOvers(Vertx vertx, Path deadLetterFile, BooleanSupplier stopped, long retryMs) {
    this.vertx = vertx;
    this.deadLetterFile = deadLetterFile;
    this.stopped = stopped;
    this.retryMs = retryMs;
  }

  /** Hands a chunk to the batcher; completes once it took it. */
  Future<Void> send(SpoolChunk chunk) {
    Promise<Void> taken = Promise.promise();
    offer(chunk, taken);
    return taken.future();
  }

  /**
   * Asks again each {@link ClientBus#LINES_WAIT} while the batcher holds the chunk (its window is
   * full) or when nobody took it: the same chunk is taken once.
   */
  private void offer(SpoolChunk chunk, Promise<Void> taken) {
    vertx.eventBus().request(ClientBus.LINES, chunk, ClientBus.LINES_WAIT).onComplete(ar -> {
      if (ar.succeeded()) {
        warnings.clear("hand-over");
        taken.complete();
      } else if (stopped.getAsBoolean()) {
        taken.fail(ar.cause());
      } else if (ar.cause() instanceof ReplyException r && r.failureType() == ReplyFailure.TIMEOUT) {
        offer(chunk, taken); // still held: the batcher waits for a window slot (the server's acks)
      } else {
        long held = warnings.admit("hand-over");
        if (held >= 0) {
          log.warn("lines not handed to the batcher ({}: {}); trying again in {} ms{}", ClientBus.LINES,
              ar.cause().getMessage(), retryMs, warnings.suffix(held));
        }
        vertx.setTimer(retryMs, t -> offer(chunk, taken));
      }
    });
  }

  /** Hands quarantined lines to the dead-letter file's owner; completes once they are appended. */
  Future<Void> quarantine(List<DeadLetter> letters) {
    if (letters.isEmpty()) {
      return Future.succeededFuture();
    }
    // a failure fails the read step, which is tried again: the records may be written twice, never lost
    return vertx.eventBus().request(ClientBus.DEAD_LETTER, new DeadLetters(letters, false), ClientBus.DEAD_LETTER_WAIT)
        .mapEmpty();
  }

  /** Before each checkpoint save: everything quarantined before it is on disk (else the save fails, and is retried). */
  Future<Void> syncDeadLetters() {
    return vertx.eventBus().request(ClientBus.DEAD_LETTER, DeadLetters.SYNC, ClientBus.DEAD_LETTER_WAIT)
        .<Void>mapEmpty()
        .recover(err -> Future.failedFuture("the dead-letter file " + deadLetterFile + " could not be synced "
            + "before the checkpoint (" + err.getMessage() + ")"));
  }
}
