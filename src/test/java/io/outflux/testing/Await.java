package io.outflux.testing;

import java.time.Duration;
import java.util.function.LongSupplier;

/** Polls a condition from the test thread (never from an event loop). */
public final class Await {

  private Await() {
  }

  /** Polls until {@code value} reaches {@code expected} or the timeout passes; returns the last value. */
  public static long value(LongSupplier value, long expected, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long last = value.getAsLong();
    while (last != expected && System.nanoTime() < deadline) {
      Thread.sleep(100);
      last = value.getAsLong();
    }
    return last;
  }
}
