package io.outflux.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProgressLineTest {

  private long nanos;

  @Test
  void countsBytesAndDurationsAreWrittenForPeople() {
    assertEquals("12,345", ProgressLine.count(12_345));
    assertEquals("0", ProgressLine.count(0));
    assertEquals("512 B", ProgressLine.bytes(512));
    assertEquals("1.0 KiB", ProgressLine.bytes(1024));
    assertEquals("1.2 MiB", ProgressLine.bytes(1_258_291));
    assertEquals("4.0 GiB", ProgressLine.bytes(4L << 30));
    assertEquals("4.2 s", ProgressLine.duration(Duration.ofMillis(4_200)));
    assertEquals("42 s", ProgressLine.duration(Duration.ofSeconds(42)));
    assertEquals("3 min 05 s", ProgressLine.duration(Duration.ofSeconds(185)));
    assertEquals("2 h 03 min", ProgressLine.duration(Duration.ofMinutes(123)));
    assertEquals("3 d 04 h", ProgressLine.duration(Duration.ofHours(76)));
  }

  @Test
  void theRateComesFromTheSamplesAndGivesTheTimeLeft() {
    ProgressLine line = new ProgressLine(() -> nanos);
    line.sample(0, 0);
    assertEquals(Optional.empty(), line.eta(1_000), "no rate from a single sample");
    assertTrue(line.format(100, 1_000).endsWith("time left unknown"), line.format(100, 1_000));
    nanos += 2_000_000_000L;
    line.sample(2_000, 200_000);
    assertEquals(1_000, line.linesPerSecond(), 1e-9);
    assertEquals(100_000, line.bytesPerSecond(), 1e-9);
    assertEquals(Duration.ofSeconds(5), line.eta(500_000).orElseThrow());
    assertEquals("5,000 lines (488.3 KiB) left, 1,000 lines/s (97.7 KiB/s), about 5.0 s left", line.format(5_000, 500_000));
    assertEquals(Duration.ZERO, line.eta(0).orElseThrow(), "nothing left: done");
    assertEquals(Duration.ofSeconds(3), line.etaLines(3_000).orElseThrow(), "by lines where bytes are not known");
  }

  @Test
  void onlyTheLastThirtySecondsCountSoTheRateFollowsAChangingLink() {
    ProgressLine line = new ProgressLine(() -> nanos);
    line.sample(0, 0);
    nanos += 10_000_000_000L;
    line.sample(0, 1_000_000); // 100 KB/s for 10 s
    nanos += 40_000_000_000L;
    line.sample(0, 1_400_000); // then 10 KB/s for 40 s
    assertEquals(10_000, line.bytesPerSecond(), 1e-9, "the fast start fell out of the window");
  }
}
