package io.outflux.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.spool.SpoolPosition;
import org.junit.jupiter.api.Test;

class AckTrackerTest {

  @Test
  void checkpointMovesOnlyOverTheContiguousAcknowledgedPrefix() {
    AckTracker t = new AckTracker();
    t.sent(1, new SpoolPosition(100));
    t.sent(2, new SpoolPosition(200));
    t.sent(3, new SpoolPosition(300));
    assertTrue(t.acked(2).isEmpty(), "batch 1 is still out: the checkpoint must not skip it");
    assertTrue(t.acked(3).isEmpty());
    var advance = t.acked(1).orElseThrow();
    assertEquals(3, advance.seq());
    assertEquals(300, advance.end().offset());
    assertEquals(0, t.size());
  }

  @Test
  void inOrderAcksAdvanceOneByOne() {
    AckTracker t = new AckTracker();
    t.sent(7, new SpoolPosition(10));
    t.sent(8, new SpoolPosition(20));
    assertEquals(10, t.acked(7).orElseThrow().end().offset());
    assertEquals(1, t.size());
    assertEquals(20, t.acked(8).orElseThrow().end().offset());
  }
}
