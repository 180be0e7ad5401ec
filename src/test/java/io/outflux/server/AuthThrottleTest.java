package io.outflux.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AuthThrottleTest {

  private final AtomicLong now = new AtomicLong(0);
  private final AuthThrottle throttle = new AuthThrottle(3, Duration.ofSeconds(60), now::get);

  @Test
  void anAddressIsThrottledAfterTooManyFailuresUntilTheWindowPasses() {
    for (int i = 0; i < 3; i++) {
      assertTrue(throttle.check("10.0.0.1").isEmpty(), "failure " + i + " is still allowed");
      throttle.failed("10.0.0.1");
      now.addAndGet(Duration.ofSeconds(1).toNanos());
    }
    Duration wait = throttle.check("10.0.0.1").orElseThrow();
    assertEquals(57, wait.toSeconds(), "until the oldest failure leaves the window");
    assertTrue(throttle.check("10.0.0.2").isEmpty(), "other addresses are not affected");
    now.addAndGet(Duration.ofSeconds(58).toNanos());
    assertTrue(throttle.check("10.0.0.1").isEmpty());
  }

  @Test
  void memoryStaysBoundedUnderAFloodOfAddresses() {
    for (int i = 0; i < AuthThrottle.MAX_ADDRESSES * 2; i++) {
      throttle.failed("addr-" + i);
    }
    // no assertion on internals beyond not running out of memory; a recent address still counts
    throttle.failed("x");
    throttle.failed("x");
    throttle.failed("x");
    assertTrue(throttle.check("x").isPresent());
  }
}
