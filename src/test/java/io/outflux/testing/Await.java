package io.outflux.testing;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.awaitility.core.ConditionTimeoutException;
import org.hamcrest.CustomMatcher;

/**
 * The suite's two most common awaitility calls, with its defaults (a 100 ms poll; a read that throws or
 * fails an assertion counts as "not yet"). Polled from the test thread, never from an event loop.
 * New code may as well call {@code await()} itself; use {@code await().during(...)} for "nothing happens".
 */
public final class Await {

  static final Duration POLL = Duration.ofMillis(100);

  private Await() {
  }

  /**
   * Polls until {@code value} reaches {@code expected} or the timeout passes; returns the last value, so
   * that {@code assertEquals(expected, Await.value(...))} reports how far it got.
   */
  public static long value(LongSupplier value, long expected, Duration timeout) {
    try {
      return await().atMost(timeout).pollInterval(POLL).ignoreExceptions()
          .until(value::getAsLong, v -> v == expected);
    } catch (ConditionTimeoutException e) {
      return value.getAsLong();
    }
  }

  /**
   * Polls {@code read} until its value passes {@code until}; returns that value, or fails naming the last
   * value or error when the timeout passes.
   */
  public static <T> T until(Callable<T> read, Predicate<T> until, Duration timeout) {
    // a matcher rather than a predicate: awaitility's timeout message then shows the last value
    return await().atMost(timeout).pollInterval(POLL).ignoreExceptions()
        .until(read, new CustomMatcher<T>("a value the test waits for") {
          @Override
          @SuppressWarnings("unchecked")
          public boolean matches(Object value) {
            return until.test((T) value);
          }
        });
  }
}
