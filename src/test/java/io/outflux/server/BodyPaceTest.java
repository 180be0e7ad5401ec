package io.outflux.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.outflux.server.BodyPace.Verdict;
import org.junit.jupiter.api.Test;

/** The body rate rule in virtual time: a slow link's large body goes on, a trickle is cut off. */
class BodyPaceTest {

  @Test
  void aLargeBodyOverASlowLinkIsNeverCutOffByItsTotalTime() {
    BodyPace pace = new BodyPace(60_000, 512, 0);
    long bytes = 0;
    for (long t = 1_000; t <= 3_600_000; t += 1_000) { // an hour at 2 KB/s: 7 MB
      bytes += 2_000;
      assertEquals(Verdict.MOVED, pace.look(bytes, t), "second " + t / 1000);
    }
  }

  @Test
  void aTrickleIsCutOffAtTheEndOfItsFirstWindow() {
    BodyPace pace = new BodyPace(1_000, 512, 0);
    assertEquals(Verdict.MOVED, pace.look(5, 500));
    assertEquals(Verdict.TOO_SLOW, pace.look(10, 1_000));
  }

  @Test
  void aPauseShorterThanTheWindowIsForgivenWhenTheAverageHolds() {
    BodyPace pace = new BodyPace(60_000, 512, 0);
    assertEquals(Verdict.MOVED, pace.look(100_000, 1_000));
    for (long t = 2_000; t < 60_000; t += 1_000) {
      assertEquals(Verdict.STILL, pace.look(100_000, t));
    }
    assertEquals(Verdict.STILL, pace.look(100_000, 60_000), "100 KB in the window: over 512 B/s");
    assertEquals(Verdict.TOO_SLOW, pace.look(100_000, 120_000), "nothing for a whole window");
  }

  @Test
  void aBodyThatNeverStartsIsCutOffAfterOneWindow() {
    BodyPace pace = new BodyPace(60_000, 512, 0);
    assertEquals(Verdict.STILL, pace.look(0, 59_999));
    assertEquals(Verdict.TOO_SLOW, pace.look(0, 60_000));
  }
}
