package io.outflux.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BackoffTest {

  private final Backoff maxJitter = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2), () -> 0.999999);

  @Test
  void boundDoublesPerAttemptUpToTheCap() {
    assertEquals(100, maxJitter.bound(1).toMillis());
    assertEquals(200, maxJitter.bound(2).toMillis());
    assertEquals(1600, maxJitter.bound(5).toMillis());
    assertEquals(2000, maxJitter.bound(6).toMillis());
    assertEquals(2000, maxJitter.bound(1000).toMillis());
  }

  @Test
  void fullJitterScalesTheBoundByTheRandomDraw() {
    Backoff half = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2), () -> 0.5);
    assertEquals(400, half.delay(4, Optional.empty()).toMillis());
    Backoff zero = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2), () -> 0.0);
    assertEquals(1, zero.delay(4, Optional.empty()).toMillis(), "never a zero-delay busy loop");
  }

  @Test
  void retryAfterIsAFloorButNeverAboveTheCap() {
    Backoff zero = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2), () -> 0.0);
    assertEquals(1000, zero.delay(1, Optional.of(Duration.ofSeconds(1))).toMillis());
    assertEquals(2000, zero.delay(1, Optional.of(Duration.ofSeconds(60))).toMillis());
  }
}
