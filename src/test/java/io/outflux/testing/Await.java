package io.outflux.testing;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

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

  /**
   * Polls {@code read} until its value passes {@code until}; a read that throws (an exception or a
   * failed assertion) counts as "not yet". Returns the passing value, or fails with the last value
   * or error when the timeout passes.
   */
  public static <T> T until(Callable<T> read, Predicate<T> until, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Object last;
    do {
      try {
        T value = read.call();
        if (until.test(value)) {
          return value;
        }
        last = value;
      } catch (Exception | AssertionError e) {
        last = e;
      }
      Thread.sleep(100);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("condition not met within " + timeout.toMillis() + " ms; last: " + last,
        last instanceof Throwable t ? t : null);
  }
}
