package io.outflux.backfill;

import io.outflux.metrics.ProgressLine;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.function.LongSupplier;

/**
 * One progress line per backfilled window ({@code window 3/24 cpu 2026-11-28T02:00Z .. 03:00Z: 400 points;
 * 1,600 points so far, 2,340 points/s, about 12 s left}). Windows with nothing to copy are shown at
 * most every {@link #QUIET_EVERY}, so a long run of empty hours does not flood the terminal.
 */
final class WindowProgress {

  static final Duration QUIET_EVERY = Duration.ofSeconds(2);

  private final long total;
  private final LongSupplier nanoClock;
  private final PrintStream out;
  private final long started;
  private long done;
  private long lastPrinted;

  WindowProgress(long totalWindows, LongSupplier nanoClock, PrintStream out) {
    this.total = totalWindows;
    this.nanoClock = nanoClock;
    this.out = out;
    this.started = nanoClock.getAsLong();
    this.lastPrinted = started;
  }

  void windowDone(String measurement, Instant from, Instant to, long copied, long pointsSoFar) {
    done++;
    long now = nanoClock.getAsLong();
    if (copied == 0 && done < total && now - lastPrinted < QUIET_EVERY.toNanos()) {
      return;
    }
    lastPrinted = now;
    out.println(line(measurement, from, to, copied, pointsSoFar, now));
  }

  String line(String measurement, Instant from, Instant to, long copied, long pointsSoFar, long now) {
    double seconds = (now - started) / 1e9;
    StringBuilder sb = new StringBuilder("window ").append(done).append('/').append(total).append(' ')
        .append(measurement).append(' ').append(from).append(" .. ").append(to).append(": ")
        .append(ProgressLine.count(copied)).append(" points; ").append(ProgressLine.count(pointsSoFar)).append(" points so far");
    if (seconds > 0) {
      sb.append(", ").append(ProgressLine.count(Math.round(pointsSoFar / seconds))).append(" points/s");
      long left = Math.max(0, total - done);
      sb.append(", about ").append(ProgressLine.duration(Duration.ofMillis((long) (seconds * 1000 * left / done))))
          .append(" left");
    }
    return sb.toString();
  }
}
