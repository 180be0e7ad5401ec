package io.outflux.batch;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * How many batches may be in flight now, between 1 and {@code sync.maxInFlight}: additive increase,
 * multiplicative decrease on the time from sending a batch to its acknowledgement. Batches in flight
 * share the link, so over a slow link each of 8 takes 8 times as long as one alone; when a batch
 * takes longer than {@code target} the window halves (once per round trip), and while batches are
 * acknowledged within half the target it grows by one per window of acks. A fast link keeps the
 * whole window; a slow one gets about one batch at a time, each arriving as fast as the link allows,
 * so nothing waits behind a queue it cannot get through in time.
 *
 * <p>Pure and single-threaded; the clock is injected (nanoseconds).
 */
public final class InFlightWindow {

  /** A batch acknowledged later than this after it was sent means the link (or server) is the bottleneck. */
  public static final Duration DEFAULT_TARGET = Duration.ofSeconds(20);

  private record Sent(long nanos, int inFlight) {
  }

  private final int max;
  private final long targetNanos;
  private final LongSupplier clock;
  private final Map<Long, Sent> sent = new HashMap<>();
  private int limit;
  private double credit;
  /** Acks of batches sent before this seq do not halve the window again (same round trip). */
  private long noDecreaseBefore;
  private long lastSent;

  public InFlightWindow(int max, Duration target, LongSupplier clock) {
    this.max = max;
    this.limit = max;
    this.targetNanos = target.toNanos();
    this.clock = clock;
  }

  public int limit() {
    return limit;
  }

  /** Batch {@code seq} leaves, {@code inFlight} batches (itself included) being on their way. */
  public void sent(long seq, int inFlight) {
    sent.put(seq, new Sent(clock.getAsLong(), inFlight));
    lastSent = Math.max(lastSent, seq);
  }

  /** A batch is settled otherwise (split, given up): forget it. */
  public void forget(long seq) {
    sent.remove(seq);
  }

  /**
   * Batch {@code seq} ({@code bytes}) was acknowledged.
   *
   * @return a line for the log when the window shrank: the link is slow
   */
  public Optional<String> acked(long seq, long bytes) {
    Sent s = sent.remove(seq);
    if (s == null) {
      return Optional.empty();
    }
    long took = clock.getAsLong() - s.nanos();
    if (took > targetNanos) {
      if (seq <= noDecreaseBefore || limit == 1) {
        return Optional.empty();
      }
      int before = limit;
      limit = Math.max(1, limit / 2);
      credit = 0;
      noDecreaseBefore = lastSent;
      double seconds = took / 1e9;
      // the batches in flight with it shared the link: the link carried about this much
      double rate = bytes * (double) s.inFlight() / seconds;
      return Optional.of(String.format(java.util.Locale.ROOT, "slow link: batch %d (%,d bytes, %d in flight) was "
          + "acknowledged %.1f s after it was sent (the link carries about %s/s); batches in flight lowered from %d "
          + "to %d (sync.maxInFlight %d)", seq, bytes, s.inFlight(), seconds, io.outflux.metrics.Human.bytes(
              (long) rate), before, limit, max));
    }
    if (took <= targetNanos / 2 && limit < max) {
      credit += 1.0 / limit;
      if (credit >= 1) {
        credit = 0;
        limit++;
      }
    }
    return Optional.empty();
  }
}
