package io.outflux.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.outflux.protocol.BatchSpan;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class SpanCutTest {

  private static final Buffer LINES = Buffer.buffer("a v=1 1\nb v=2 2\nc v=3 3\n"); // 8 bytes a line

  private static BatchSpan span(boolean verbatim) {
    return new BatchSpan(BatchSpan.LIVE, "1.2.3", 100, 124, verbatim);
  }

  @Test
  void aVerbatimBatchIsCutWhereTheStoredRangeEndsAtALineEnd() {
    assertEquals(0, SpanCut.skip(span(true), 0, LINES));
    assertEquals(8, SpanCut.skip(span(true), 8, LINES));
    assertEquals(16, SpanCut.skip(span(true), 16, LINES));
    assertEquals(24, SpanCut.skip(span(true), 24, LINES), "all of it is stored");
    assertEquals(24, SpanCut.skip(span(true), 99, LINES));
    assertEquals(2, SpanCut.lines(LINES, 16));
  }

  @Test
  void aCutInsideALineOrAPayloadThatIsNotTheSpansBytesWritesEverything() {
    assertEquals(0, SpanCut.skip(span(true), 5, LINES), "the middle of a line: the client sent something else");
    assertEquals(0, SpanCut.skip(new BatchSpan(BatchSpan.LIVE, "1.2.3", 100, 130, true), 8, LINES),
        "the payload is not as long as the span it names");
    assertEquals(0, SpanCut.skip(span(false), 8, LINES), "rewritten lines cannot be cut by offset");
    assertEquals(24, SpanCut.skip(span(false), 24, LINES), "but are left out when all of them are stored");
  }
}
