package io.outflux.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimitedLogTest {

  @Test
  void theFirstIsLoggedThenOneAMinuteSayingHowManyWereHeldBack() {
    AtomicLong now = new AtomicLong(1_000);
    RateLimitedLog log = new RateLimitedLog(now::get, Duration.ofMinutes(1));
    assertEquals(0, log.admit("read"));
    for (int i = 0; i < 11 * 59; i++) { // 11 a second for 59 s
      now.addAndGet(90);
      assertEquals(-1, log.admit("read"));
    }
    assertEquals(0, log.admit("other"), "kinds are independent");
    now.set(1_000 + 60_000);
    assertEquals(11 * 59, log.admit("read"));
    assertEquals(-1, log.admit("read"));
    log.clear("read");
    assertEquals(0, log.admit("read"), "after the condition ended the next one is logged at once");
  }
}
