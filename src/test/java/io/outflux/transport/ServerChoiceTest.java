package io.outflux.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Failover and failback in virtual time. */
class ServerChoiceTest {

  private static final URI A = URI.create("http://a:8070");
  private static final URI B = URI.create("http://b:8070");
  private static final URI C = URI.create("http://c:8070");
  private final AtomicLong now = new AtomicLong(1_000L);
  private final ServerChoice choice = new ServerChoice(List.of(A, B, C), Duration.ofMinutes(5), now::get);

  @Test
  void theFirstServerWhileItWorks() {
    for (int i = 0; i < 10; i++) {
      assertEquals(A, choice.next());
    }
  }

  @Test
  void aFailureMovesOnInTurnAndALateFailureOfALeftServerDoesNot() {
    choice.failed(A);
    assertEquals(B, choice.next());
    choice.failed(A); // an exchange with A that was still running fails too: B stays
    assertEquals(B, choice.next());
    choice.failed(B);
    assertEquals(C, choice.next());
    choice.failed(C);
    assertEquals(A, choice.next());
  }

  @Test
  void theFirstServerIsTriedAgainAfterFailbackAfter() {
    choice.failed(A);
    now.addAndGet(Duration.ofMinutes(5).toNanos());
    assertEquals(B, choice.next(), "not before failbackAfter has passed");
    now.addAndGet(1);
    assertEquals(A, choice.next());
    assertEquals(A, choice.current());
  }

  @Test
  void aSingleServerIsNeverLeft() {
    ServerChoice one = new ServerChoice(List.of(A), Duration.ofMinutes(5), now::get);
    one.failed(A);
    assertEquals(A, one.next());
  }
}
