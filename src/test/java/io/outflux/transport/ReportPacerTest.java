package io.outflux.transport;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.batch.Progress;
import org.junit.jupiter.api.Test;

class ReportPacerTest {

  private static final long S = 1_000_000_000L;

  @Test
  void changedFiguresGoOutOnceASecondUnchangedOnesEveryFiveSeconds() {
    ReportPacer pacer = new ReportPacer();
    Progress idle = new Progress(0, 0, 0);
    assertTrue(pacer.due(idle, 0), "the first report goes at once");
    assertFalse(pacer.due(new Progress(100, 1, 0), S / 2), "not twice within 900 ms");
    assertTrue(pacer.due(new Progress(100, 1, 0), S), "a change goes after a second");
    assertFalse(pacer.due(new Progress(100, 1, 0.3), 2 * S), "the same figures (lag within 0.5 s) wait");
    assertFalse(pacer.due(new Progress(100, 1, 0), 5 * S));
    assertTrue(pacer.due(new Progress(100, 1, 0), 6 * S), "and are repeated after 5 s, so the stream stays live");
    assertTrue(pacer.due(new Progress(100, 1, 1.2), 7 * S), "a lag that moved is news");
  }
}
