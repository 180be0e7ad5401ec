package io.outflux.batch;

import static io.outflux.batch.CatchUpScheduler.Next.HISTORY;
import static io.outflux.batch.CatchUpScheduler.Next.LIVE;
import static io.outflux.batch.CatchUpScheduler.Next.NONE;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CatchUpSchedulerTest {

  @Test
  void dueLiveLinesTakeAFreeSlotBeforeHistory() {
    assertEquals(LIVE, CatchUpScheduler.next(true, true, 0, 0, 4));
    assertEquals(LIVE, CatchUpScheduler.next(true, true, 0, 3, 4));
  }

  @Test
  void historyFillsTheSlotsLiveLeavesButNeverTheLastOne() {
    assertEquals(HISTORY, CatchUpScheduler.next(false, true, 0, 0, 4));
    assertEquals(HISTORY, CatchUpScheduler.next(false, true, 0, 2, 4));
    assertEquals(NONE, CatchUpScheduler.next(false, true, 0, 3, 4), "one slot stays free for live lines");
    assertEquals(HISTORY, CatchUpScheduler.next(false, true, 1, 2, 4));
  }

  @Test
  void aFullWindowSendsNothing() {
    assertEquals(NONE, CatchUpScheduler.next(true, true, 1, 3, 4));
    assertEquals(NONE, CatchUpScheduler.next(true, false, 4, 0, 4));
  }

  @Test
  void withAWindowOfOneHistoryStillMovesWhenLiveHasNothingToSend() {
    assertEquals(HISTORY, CatchUpScheduler.next(false, true, 0, 0, 1));
    assertEquals(NONE, CatchUpScheduler.next(true, true, 0, 1, 1));
    assertEquals(LIVE, CatchUpScheduler.next(true, true, 0, 0, 1));
  }

  @Test
  void nothingWaitingSendsNothing() {
    assertEquals(NONE, CatchUpScheduler.next(false, false, 0, 0, 4));
  }
}
