package io.outflux.transport;

import io.outflux.batch.Progress;
import java.time.Duration;

/**
 * When a streaming client tells the server its backlog and lag again: at most once per
 * {@link #MIN_INTERVAL}, and figures that did not change only every {@link #UNCHANGED_INTERVAL},
 * enough for the server to show the stream as live (heard within 10 s) without a node with
 * thousands of idle streams rewriting their fleet entries every second.
 */
final class ReportPacer {

  static final Duration MIN_INTERVAL = Duration.ofMillis(900);
  static final Duration UNCHANGED_INTERVAL = Duration.ofSeconds(5);
  /** Lag moves by itself while nothing is acknowledged; smaller steps are not news. */
  private static final double LAG_STEP_SECONDS = 0.5;

  private long lastNanos;
  private Progress last;

  /** Whether to send {@code progress} now; if so, it is remembered as sent. */
  boolean due(Progress progress, long nowNanos) {
    if (last != null) {
      long since = nowNanos - lastNanos;
      if (since < MIN_INTERVAL.toNanos() || (since < UNCHANGED_INTERVAL.toNanos() && same(last, progress))) {
        return false;
      }
    }
    last = progress;
    lastNanos = nowNanos;
    return true;
  }

  private static boolean same(Progress a, Progress b) {
    return a.backlogLines() == b.backlogLines() && a.backlogBytes() == b.backlogBytes()
        && Math.abs(a.lagSeconds() - b.lagSeconds()) < LAG_STEP_SECONDS;
  }
}
