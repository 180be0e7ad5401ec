package io.outflux.backfill;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WindowProgressTest {

  private long nanos;

  @Test
  void eachWindowThatCopiedPointsPrintsTheRateAndTheTimeLeftQuietOnesAtMostEveryTwoSeconds() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    WindowProgress p = new WindowProgress(4, () -> nanos, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    Instant t0 = Instant.parse("2026-11-28T00:00:00Z");
    Instant t1 = Instant.parse("2026-11-28T01:00:00Z");
    nanos += 1_000_000_000L;
    p.windowDone("cpu", t0, t1, 2_000, 2_000);
    nanos += 500_000_000L;
    p.windowDone("cpu", t1, t1.plusSeconds(3600), 0, 2_000); // quiet: not shown
    nanos += 500_000_000L;
    p.windowDone("cpu", t1.plusSeconds(3600), t1.plusSeconds(7200), 1_000, 3_000);
    nanos += 1_000_000_000L;
    p.windowDone("cpu", t1.plusSeconds(7200), t1.plusSeconds(10800), 0, 3_000); // the last one is always shown
    String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
    assertEquals(3, lines.length);
    assertEquals("window 1/4 cpu 2026-11-28T00:00:00Z .. 2026-11-28T01:00:00Z: 2,000 points; 2,000 points so far,"
        + " 2,000 points/s, about 3.0 s left", lines[0]);
    assertEquals("window 3/4 cpu 2026-11-28T02:00:00Z .. 2026-11-28T03:00:00Z: 1,000 points; 3,000 points so far,"
        + " 1,500 points/s, about 0.7 s left", lines[1]);
    assertEquals("window 4/4 cpu 2026-11-28T03:00:00Z .. 2026-11-28T04:00:00Z: 0 points; 3,000 points so far,"
        + " 1,000 points/s, about 0.0 s left", lines[2]);
  }
}
