package io.outflux.spool;

import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read loop of one {@link SpoolReader}: steps it again at once while it makes progress, after
 * the poll interval while there is nothing new or a step failed (warned about, rate-limited), until
 * the reader is complete or the tail no longer wants the loop. A flush asks it to look now
 * ({@link #now}). Event-loop confined.
 */
final class ReadLoop {

  private static final Logger log = LoggerFactory.getLogger(SpoolTailVerticle.class);

  private final Vertx vertx;
  final SpoolReader reader;
  private final Path spool;
  private final long pollMs;
  private final Predicate<ReadLoop> wanted;
  private final Predicate<ReadLoop> takenOver;
  private final RateLimitedLog warnings = RateLimitedLog.systemClock();
  private long timer = -1;

  /**
   * @param wanted false once the loop is to end (the tail stopped, or the reader was replaced)
   * @param takenOver asked before each step: true when the tail does something else first and runs the loop again after
   */
  ReadLoop(Vertx vertx, SpoolReader reader, Path spool, long pollMs, Predicate<ReadLoop> wanted,
      Predicate<ReadLoop> takenOver) {
    this.vertx = vertx;
    this.reader = reader;
    this.spool = spool;
    this.pollMs = pollMs;
    this.wanted = wanted;
    this.takenOver = takenOver;
  }

  /** Steps the reader (and on, as long as it makes progress). */
  void run() {
    if (!wanted.test(this) || takenOver.test(this)) {
      return;
    }
    reader.step().onComplete(ar -> {
      if (ar.failed()) {
        long held = warnings.admit("read");
        if (held >= 0) {
          log.warn("reading the spool {} failed, retrying: {}{}", spool, ar.cause().toString(), warnings.suffix(held));
        }
        later();
      } else if (ar.result()) {
        warnings.clear("read");
        run();
      } else if (!reader.complete()) {
        later();
      }
    });
  }

  private void later() {
    if (!wanted.test(this)) {
      return;
    }
    timer = vertx.setTimer(pollMs, t -> {
      timer = -1;
      run();
    });
  }

  /** Looks for new lines now instead of at the next poll (no-op while a step runs). */
  void now() {
    if (timer >= 0 && vertx.cancelTimer(timer)) {
      timer = -1;
      run();
    }
  }
}
