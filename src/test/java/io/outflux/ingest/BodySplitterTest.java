package io.outflux.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class BodySplitterTest {

  @Test
  void aBodyUnderTheLimitStaysWhole() {
    Buffer body = Buffer.buffer("a v=1 1\nb v=2 2\n");
    assertEquals(List.of(body), BodySplitter.split(body, 100));
  }

  @Test
  void aBodyOverTheLimitIsCutAtLineEndsIntoPartsUnderTheLimit() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 1000; i++) {
      sb.append("cpu,host=h").append(i).append(" v=").append(i).append(' ').append(i).append('\n');
    }
    Buffer body = Buffer.buffer(sb.toString());
    List<Buffer> parts = BodySplitter.split(body, 1000);
    assertTrue(parts.size() > 10);
    Buffer joined = Buffer.buffer();
    long lines = 0;
    for (Buffer p : parts) {
      assertTrue(p.length() <= 1000, "part of " + p.length() + " bytes");
      assertEquals('\n', p.getByte(p.length() - 1), "every part ends at a line end");
      joined.appendBuffer(p);
      lines += BodySplitter.countLines(p);
    }
    assertEquals(body, joined, "nothing lost, nothing reordered");
    assertEquals(1000, lines);
  }

  @Test
  void aSingleLineLongerThanTheLimitIsKeptWhole() {
    Buffer body = Buffer.buffer("a v=1 1\n" + "b s=\"" + "x".repeat(50) + "\" 2\nc v=3 3");
    List<Buffer> parts = BodySplitter.split(body, 20);
    assertEquals(List.of("a v=1 1\n", "b s=\"" + "x".repeat(50) + "\" 2\n", "c v=3 3"),
        parts.stream().map(Buffer::toString).toList());
  }

  @Test
  void countsALastLineWithoutNewline() {
    assertEquals(2, BodySplitter.countLines(Buffer.buffer("a v=1\nb v=2")));
    assertEquals(0, BodySplitter.countLines(Buffer.buffer()));
  }
}
