package io.outflux.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class BacklogEstimateTest {

  @Test
  void linesNotReadYetAreEstimatedFromTheBytesPerLineAndSaidToBe() {
    BacklogEstimate e = BacklogEstimate.of(90_000, 18_000_000, 180_000_000, 0, 0);
    assertEquals(900_000, e.lines());
    assertEquals("about 900,000 lines", e.lineCount());
    assertEquals(" (90,000 read, the rest estimated)", e.note());
  }

  @Test
  void everythingReadIsExactAndNothingReadUsesTheAcknowledgedLines() {
    BacklogEstimate exact = BacklogEstimate.of(1_000, 200_000, 200_000, 0, 0);
    assertEquals("1,000 lines", exact.lineCount());
    assertEquals("", exact.note());
    assertEquals(500, BacklogEstimate.of(0, 0, 100_000, 10, 2_000).lines(), "200 bytes a line acknowledged so far");
  }
}
