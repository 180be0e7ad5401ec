package io.outflux.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.buffer.Buffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LineCutTest {

  private static Buffer lines(String... l) {
    return Buffer.buffer(String.join("\n", l) + "\n");
  }

  @Test
  void theHeadRespectsTheLineLimit() {
    assertEquals(new LineCut.Cut(4, 2), LineCut.head(lines("a", "b", "c"), 2, 1000));
  }

  @Test
  void theHeadRespectsTheByteLimitAtALineEnd() {
    assertEquals(new LineCut.Cut(6, 2), LineCut.head(lines("aa", "bb", "cc"), 100, 8));
    assertEquals(new LineCut.Cut(9, 3), LineCut.head(lines("aa", "bb", "cc"), 100, 9));
  }

  @Test
  void aSingleLineOverTheByteLimitGoesAlone() {
    assertEquals(new LineCut.Cut(6, 1), LineCut.head(lines("aaaaa", "b"), 100, 3));
  }

  @Test
  void halfCutsByLines() {
    assertEquals(new LineCut.Cut(4, 2), LineCut.half(lines("a", "b", "c", "d", "e"), 5));
    assertEquals(new LineCut.Cut(2, 1), LineCut.half(lines("a", "b"), 2));
  }

  /** Random lines and limits: cutting heads repeatedly yields every line once, each part within the limits. */
  @Test
  void repeatedHeadsPartitionTheLinesWithinTheLimits() {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    for (int round = 0; round < 500; round++) {
      StringBuilder sb = new StringBuilder();
      int n = 1 + random.nextInt(200);
      for (int i = 0; i < n; i++) {
        sb.append("m v=").append("x".repeat(random.nextInt(40))).append(i).append('\n');
      }
      Buffer all = Buffer.buffer(sb.toString());
      int maxLines = 1 + random.nextInt(50);
      long maxBytes = 10 + random.nextInt(400);
      Buffer rest = all;
      int total = 0;
      StringBuilder again = new StringBuilder();
      while (rest.length() > 0) {
        LineCut.Cut cut = LineCut.head(rest, maxLines, maxBytes);
        String part = rest.slice(0, cut.bytes()).toString();
        assertEquals(cut.lines(), part.split("\n", -1).length - 1, "seed " + seed);
        assertEquals(true, cut.lines() <= maxLines, "seed " + seed);
        assertEquals(true, cut.bytes() <= maxBytes || cut.lines() == 1, "seed " + seed);
        total += cut.lines();
        again.append(part);
        rest = rest.slice(cut.bytes(), rest.length());
      }
      assertEquals(n, total, "seed " + seed);
      assertEquals(sb.toString(), again.toString(), "seed " + seed);
    }
  }
}
