package io.outflux.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.transport.ProgressDeadline.Verdict;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The progress deadline in virtual time. */
class ProgressDeadlineTest {

  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final ProgressDeadline deadline = new ProgressDeadline(Duration.ofSeconds(4), Duration.ofSeconds(60), now::get);

  private void advance(long millis) {
    now.addAndGet(millis * 1_000_000L);
  }

  @Test
  void aSlowUploadThatKeepsMovingIsNeverGivenUp() {
    for (int i = 0; i < 600; i++) { // ten minutes, a slice every second
      advance(1_000);
      deadline.progress();
      assertEquals(Verdict.WAIT, deadline.check());
    }
  }

  @Test
  void anUploadThatStopsMovingStallsAfterTheStallTimeout() {
    advance(3_999);
    assertEquals(Verdict.WAIT, deadline.check());
    advance(1);
    assertEquals(Verdict.STALLED, deadline.check());
    assertTrue(deadline.reason().contains("upload made no progress"), deadline.reason());
  }

  @Test
  void aSilentAnswerIsProbedAndAFrozenServerStallsWithinTheStallTimeout() {
    deadline.uploaded();
    advance(1_999);
    assertEquals(Verdict.WAIT, deadline.check());
    advance(1);
    assertEquals(Verdict.PROBE, deadline.check());
    advance(3_000);
    assertEquals(Verdict.WAIT, deadline.check(), "one probe at a time");
    advance(1_000);
    assertEquals(Verdict.STALLED, deadline.check());
    assertTrue(deadline.reason().contains("health check"), deadline.reason());
  }

  @Test
  void aBusyServerThatAnswersItsProbeIsWaitedForUpToTheAnswerTimeout() {
    deadline.uploaded();
    for (int s = 0; s < 59; s++) {
      advance(1_000);
      Verdict v = deadline.check();
      if (v == Verdict.PROBE) {
        deadline.probeAnswered();
      }
      assertTrue(v != Verdict.STALLED, "second " + s);
    }
    advance(1_000);
    assertEquals(Verdict.STALLED, deadline.check());
    assertTrue(deadline.reason().contains("requestTimeout"), deadline.reason());
  }

  @Test
  void answerBytesAreProgress() {
    deadline.uploaded();
    for (int i = 0; i < 10; i++) {
      advance(1_500);
      deadline.progress();
      assertEquals(Verdict.WAIT, deadline.check());
    }
  }

  @Test
  void aBodyStillMovingAfterItWasAllSentRestartsTheAnswerTimeout() {
    deadline.uploaded(); // the kernel took the last byte; the link still carries the tail
    for (int s = 0; s < 90; s++) { // 90 s of a tail draining, the server saying it received more
      advance(1_000);
      deadline.bodyMoving();
      assertEquals(Verdict.WAIT, deadline.check(), "second " + s);
    }
    // then the server has it all and writes it: probes answered, up to the answer timeout from there
    for (int s = 0; s < 59; s++) {
      advance(1_000);
      Verdict v = deadline.check();
      if (v == Verdict.PROBE) {
        deadline.probeAnswered();
      }
      assertTrue(v != Verdict.STALLED, "second " + s);
    }
    advance(1_000);
    assertEquals(Verdict.STALLED, deadline.check());
    assertTrue(deadline.reason().contains("requestTimeout"), deadline.reason());
  }

  @Test
  void aFrozenServerStillStallsWhenNothingMoves() {
    deadline.uploaded();
    advance(1_000);
    deadline.bodyMoving();
    advance(2_000);
    assertEquals(Verdict.PROBE, deadline.check());
    advance(4_000);
    assertEquals(Verdict.STALLED, deadline.check());
  }
}
