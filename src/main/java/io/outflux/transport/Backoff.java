package io.outflux.transport;

import java.time.Duration;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with full jitter (a uniformly random delay up to the exponential bound), so a
 * fleet of clients that lost the server at the same moment does not come back in lockstep. A server's
 * Retry-After is a floor. The random source is injectable for deterministic tests.
 */
public final class Backoff {

  private final Duration initial;
  private final Duration max;
  private final DoubleSupplier random;

  public Backoff(Duration initial, Duration max, DoubleSupplier random) {
    if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("need 0 < initial <= max, got " + initial + ", " + max);
    }
    this.initial = initial;
    this.max = max;
    this.random = random;
  }

  /** The exponential bound for the given attempt (1 = first retry), capped at max. */
  public Duration bound(int attempt) {
    int shift = Math.min(Math.max(attempt - 1, 0), 30);
    long ms = initial.toMillis() << shift;
    return ms <= 0 || ms > max.toMillis() ? max : Duration.ofMillis(ms);
  }

  public Duration delay(int attempt, Optional<Duration> retryAfter) {
    long jittered = (long) (random.getAsDouble() * bound(attempt).toMillis());
    Duration d = Duration.ofMillis(Math.max(1, jittered));
    if (retryAfter.isPresent() && retryAfter.get().compareTo(d) > 0) {
      return retryAfter.get().compareTo(max) > 0 ? max : retryAfter.get();
    }
    return d;
  }
}
