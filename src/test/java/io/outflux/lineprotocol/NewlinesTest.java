package io.outflux.lineprotocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NewlinesTest {

  @Test
  void findsTheFirstNewlineAtEveryOffsetAndAlignment() {
    Random random = new Random(7);
    for (int round = 0; round < 2000; round++) {
      byte[] b = new byte[random.nextInt(40)];
      for (int i = 0; i < b.length; i++) {
        // bytes close to '\n' (0x09, 0x0b, 0x8a) catch a broken zero-byte test
        b[i] = (byte) new int[] {'a', 0x09, 0x0b, 0x8a, 0x00, 0xff, '\n'}[random.nextInt(7)];
      }
      int from = b.length == 0 ? 0 : random.nextInt(b.length);
      int to = from + random.nextInt(b.length - from + 1);
      int expected = -1;
      for (int i = from; i < to; i++) {
        if (b[i] == '\n') {
          expected = i;
          break;
        }
      }
      assertEquals(expected, Newlines.indexOf(b, from, to));
    }
  }

  @Test
  void splittingAVertxBufferLeavesThePartialLastLineForLater() {
    Buffer chunk = Buffer.buffer("cpu v=1 1\r\n# c\n\nbad\nmem v=2i\npartial v=");
    BufferBytes bytes = BufferBytes.of(chunk);
    LineScanner scanner = new LineScanner();
    LineInfo info = new LineInfo();
    List<String> kinds = new ArrayList<>();
    int pos = bytes.offset();
    int to = bytes.offset() + bytes.length();
    for (int nl; (nl = Newlines.indexOf(bytes.array(), pos, to)) >= 0; pos = nl + 1) {
      kinds.add(scanner.scan(bytes.array(), pos, nl, info).name());
    }
    assertEquals(List.of("POINT", "SKIP", "SKIP", "ERROR", "POINT"), kinds);
    assertEquals("partial v=", new String(bytes.array(), pos, to - pos, StandardCharsets.UTF_8));
  }
}
