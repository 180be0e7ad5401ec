package io.outflux.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.outflux.spool.FileId;
import io.outflux.spool.SpoolPosition;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BacklogTrackerTest {

  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final BacklogTracker tracker = new BacklogTracker(now::get);

  @Test
  void lagIsTheAgeOfTheOldestUnacknowledgedLine() {
    tracker.accepted(true);
    now.addAndGet(2_000_000_000L);
    tracker.sent(1, 100, 10_000);
    tracker.accepted(true);
    now.addAndGet(1_000_000_000L);
    tracker.sent(2, 50, 5_000);
    Progress p = tracker.progress(0, 0, null);
    assertEquals(150, p.backlogLines());
    assertEquals(15_000, p.backlogBytes());
    assertEquals(3.0, p.lagSeconds(), 1e-9);
    tracker.acked(1);
    assertEquals(1.0, tracker.progress(0, 0, null).lagSeconds(), 1e-9, "batch 2 was read one second ago");
    tracker.acked(2);
    assertEquals(0.0, tracker.progress(0, 0, null).lagSeconds());
    assertEquals(0, tracker.progress(0, 0, null).backlogLines());
  }

  @Test
  void unreadBytesOfTheSameFileCountInTheBacklog() {
    FileId file = new FileId(1, 2);
    tracker.spoolEnd(new SpoolPosition(file, "metrics.lp", 90_000, ""));
    tracker.accepted(true);
    tracker.sent(1, 10, 1_000);
    Progress p = tracker.progress(0, 0, new SpoolPosition(file, "metrics.lp", 40_000, ""));
    assertEquals(50_000, p.backlogBytes(), "from the acknowledged offset to the end of the file");
    assertEquals(10, p.backlogLines());
  }
}
