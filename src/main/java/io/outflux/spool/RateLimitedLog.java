package io.outflux.spool;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Decides whether a warning of one kind is logged now: the first at once, then at most one per
 * interval, each saying how many were held back meanwhile. Pure: the clock is injected. Thread-safe.
 */
public final class RateLimitedLog {

  public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(1);

  private final LongSupplier clockMillis;
  private final long intervalMillis;
  private final Map<String, long[]> kinds = new HashMap<>();

  public RateLimitedLog(LongSupplier clockMillis, Duration interval) {
    this.clockMillis = clockMillis;
    this.intervalMillis = interval.toMillis();
  }

  public static RateLimitedLog systemClock() {
    return new RateLimitedLog(System::currentTimeMillis, DEFAULT_INTERVAL);
  }

  /**
   * @return -1 to hold this one back; otherwise log it now, and the number held back since the last
   *     one logged (0 for the first)
   */
  public synchronized long admit(String kind) {
    long now = clockMillis.getAsLong();
    long[] state = kinds.get(kind); // {last logged at, held back since}
    if (state == null) {
      kinds.put(kind, new long[] {now, 0});
      return 0;
    }
    if (now - state[0] < intervalMillis) {
      state[1]++;
      return -1;
    }
    long held = state[1];
    state[0] = now;
    state[1] = 0;
    return held;
  }

  /** The condition is over: the next one of this kind is logged at once. */
  public synchronized void clear(String kind) {
    kinds.remove(kind);
  }

  /** " (N more like it in the last ...)" for a message admitted with {@code held} held back; "" for none. */
  public String suffix(long held) {
    return held <= 0 ? "" : " (" + held + " more like it held back since the last one)";
  }
}
