package io.outflux.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

class AwaitTest {

  @Test
  void aConditionNeverMetFailsNamingTheLastValue() {
    ConditionTimeoutException e = assertThrows(ConditionTimeoutException.class,
        () -> Await.until(() -> "still 41", v -> v.equals("42"), Duration.ofMillis(300)));
    assertTrue(e.getMessage().contains("still 41"), e.getMessage());
  }

  @Test
  void readsThatThrowCountAsNotYet() {
    AtomicInteger reads = new AtomicInteger();
    assertEquals(3, Await.until(() -> {
      if (reads.incrementAndGet() < 3) {
        throw new IllegalStateException("not up yet");
      }
      return reads.get();
    }, v -> true, Duration.ofSeconds(5)));
  }

  @Test
  void aValueNeverReachedIsReturnedForTheCallersAssertion() {
    assertEquals(7, Await.value(() -> 7, 8, Duration.ofMillis(300)));
  }
}
