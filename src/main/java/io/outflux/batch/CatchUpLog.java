package io.outflux.batch;

import io.outflux.metrics.BacklogEstimate;
import io.outflux.metrics.ProgressLine;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Logs how a large backlog drains (what is left, the rate it is acknowledged at, the time left)
 * every {@link #EVERY_NANOS} while it lasts, and once when it is over. A backlog is large from
 * {@link #LARGE_BYTES} unacknowledged bytes or {@link #LARGE_LAG_SECONDS} of lag. Fed by the
 * batcher's once-a-second progress; event-loop confined, clock injectable.
 */
final class CatchUpLog {

  static final long EVERY_NANOS = 10_000_000_000L;
  static final long LARGE_BYTES = 8L << 20;
  static final double LARGE_LAG_SECONDS = 60;

  private final LongSupplier nanoClock;
  private final Consumer<String> log;
  private final ProgressLine line;
  private boolean catchingUp;
  private long lastLogged;

  CatchUpLog(LongSupplier nanoClock, Consumer<String> log) {
    this.nanoClock = nanoClock;
    this.log = log;
    this.line = new ProgressLine(nanoClock);
  }

  /**
   * @param readBytes bytes of the lines read and not yet acknowledged (the rest of the backlog's bytes are unread)
   * @param ackedLines, ackedBytes cumulative counts acknowledged so far
   */
  void update(Progress p, long readBytes, long ackedLines, long ackedBytes) {
    line.sample(ackedLines, ackedBytes);
    boolean large = p.backlogBytes() >= LARGE_BYTES || p.lagSeconds() >= LARGE_LAG_SECONDS;
    long now = nanoClock.getAsLong();
    if (large && !catchingUp) {
      catchingUp = true;
      lastLogged = now;
    } else if (large && now - lastLogged >= EVERY_NANOS) {
      lastLogged = now;
      log.accept("catching up: " + line.format(BacklogEstimate.of(p.backlogLines(), readBytes, p.backlogBytes(),
          ackedLines, ackedBytes), p.backlogBytes()));
    } else if (!large && catchingUp) {
      catchingUp = false;
      log.accept("caught up: " + ProgressLine.count(ackedLines) + " lines acknowledged since the client started, lag "
          + String.format(Locale.ROOT, "%.1f s", p.lagSeconds()));
    }
  }
}
