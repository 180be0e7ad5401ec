package io.outflux.batch;

/**
 * Which lane gets a free window slot during a newest-first catch-up. Live lines go first whenever
 * they are due; history batches fill the other slots, but never the last one: with
 * {@code sync.maxInFlight} of 2 or more, a slot always stays free for live lines, so they never
 * wait behind the backlog for more than the batch being sent.
 */
final class CatchUpScheduler {

  enum Next { LIVE, HISTORY, NONE }

  private CatchUpScheduler() {
  }

  /**
   * @param liveDue live lines are waiting and their sync rule says send
   * @param historyWaiting history lines are waiting
   */
  static Next next(boolean liveDue, boolean historyWaiting, int liveInFlight, int historyInFlight, int maxInFlight) {
    if (liveInFlight + historyInFlight >= maxInFlight) {
      return Next.NONE;
    }
    if (liveDue) {
      return Next.LIVE;
    }
    if (historyWaiting && historyInFlight < historySlots(maxInFlight)) {
      return Next.HISTORY;
    }
    return Next.NONE;
  }

  /** Slots history batches may take at once. */
  static int historySlots(int maxInFlight) {
    return Math.max(1, maxInFlight - 1);
  }
}
