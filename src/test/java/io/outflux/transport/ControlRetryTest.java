package io.outflux.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Where and when the control channel connects next. */
class ControlRetryTest {

  private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10), () -> 1.0);

  @Test
  void failuresMoveThroughTheServersWithBackoffAndAConnectionResetsIt() {
    ControlRetry retry = new ControlRetry(3, backoff, Duration.ofMinutes(2));
    assertEquals(new ControlRetry.Step(1, Duration.ofMillis(100)), retry.failed(0));
    assertEquals(new ControlRetry.Step(2, Duration.ofMillis(200)), retry.failed(503));
    assertEquals(new ControlRetry.Step(0, Duration.ofMillis(400)), retry.failed(0));
    retry.connected();
    assertEquals(new ControlRetry.Step(1, Duration.ofMillis(100)), retry.failed(0), "a close after a connection");
    assertEquals(Duration.ofMinutes(2), retry.failed(401).delay(), "refused credentials wait authRetryInterval");
  }

  @Test
  void serversWithoutTheChannelAreAskedRarely() {
    ControlRetry one = new ControlRetry(1, backoff, Duration.ofMinutes(2));
    assertEquals(ControlRetry.OLD_SERVER_RETRY, one.failed(404).delay());
    ControlRetry two = new ControlRetry(2, backoff, Duration.ofMinutes(2));
    assertEquals(Duration.ofMillis(100), two.failed(404).delay(), "the other server may be newer");
    assertEquals(ControlRetry.OLD_SERVER_RETRY, two.failed(404).delay());
  }

  @Test
  void aLaterServerIsLeftForTheFirstAfterFailbackAfter() {
    ControlRetry retry = new ControlRetry(2, backoff, Duration.ofMinutes(2));
    assertTrue(retry.failback(Duration.ofMinutes(5)).isEmpty(), "on the first server already");
    retry.failed(0);
    assertEquals(Duration.ofMinutes(5), retry.failback(Duration.ofMinutes(5)).orElseThrow());
    assertEquals(0, retry.failingBack().server());
    assertEquals(0, retry.server());
  }
}
