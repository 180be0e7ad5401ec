package io.outflux.transport;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which hand-overs the transport sends: a batch once while on its way, and not again just after it settled. */
class TakenBatchesTest {

  @Test
  void aBatchIsSentOnceWhileOnItsWayAndNotAgainAfterItSettled() {
    TakenBatches taken = new TakenBatches();
    assertTrue(taken.take(7));
    assertFalse(taken.take(7), "handed over again while on its way");
    taken.settled(7);
    assertFalse(taken.take(7), "handed over again, the outcome crossing the hand-over on the bus");
    assertTrue(taken.take(8));
  }

  @Test
  void onlyTheLatestSettledBatchesAreRemembered() {
    TakenBatches taken = new TakenBatches();
    for (long seq = 0; seq <= TakenBatches.SETTLED_REMEMBERED; seq++) {
      assertTrue(taken.take(seq));
      taken.settled(seq);
    }
    assertTrue(taken.take(0), "forgotten: memory stays bounded");
    assertFalse(taken.take(TakenBatches.SETTLED_REMEMBERED));
  }
}
