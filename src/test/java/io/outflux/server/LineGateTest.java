package io.outflux.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.lineprotocol.Precision;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class LineGateTest {

  /** The two corpus inputs that make influxd 1.6.7 panic and exit (testdata/README.md). */
  static final String POISON_1 = "0 \\\\=\"=\"";
  static final String POISON_2 = "m \\0=\",\"=3,\"=\"";

  private final LineGate gate = new LineGate(1024);

  @Test
  void validBatchPassesThroughWithoutACopy() {
    Buffer body = Buffer.buffer("cpu v=1 1\nmem,host=a used=2i 2\n");
    LineGate.Result r = gate.filter(body, Precision.NS);
    assertSame(body, r.lines());
    assertEquals(2, r.count());
    assertTrue(r.rejected().isEmpty());
  }

  @Test
  void poisonLinesNeverReachInfluxDbButTheGoodLinesDo() {
    Buffer body = Buffer.buffer("good v=1 1\n" + POISON_1 + "\ngood v=2 2\n" + POISON_2 + "\n");
    LineGate.Result r = gate.filter(body, Precision.NS);
    assertEquals("good v=1 1\ngood v=2 2\n", r.lines().toString());
    assertEquals(2, r.count());
    assertEquals(2, r.rejected().listed().size());
    assertEquals(POISON_1, r.rejected().listed().get(0).line());
    assertEquals(POISON_2, r.rejected().listed().get(1).line());
    assertTrue(r.rejected().listed().get(0).reason().startsWith("invalid line protocol: "), r.rejected().listed().get(0).reason());
  }

  @Test
  void crlfBlankLinesAndCommentsAreNormalisedAway() {
    LineGate.Result r = gate.filter(Buffer.buffer("a v=1 1\r\n\n# comment\nb v=2 2"), Precision.NS);
    assertEquals("a v=1 1\nb v=2 2\n", r.lines().toString());
    assertEquals(2, r.count());
    assertTrue(r.rejected().isEmpty());
  }

  @Test
  void aLineOverTheLimitIsRefusedAloneAndItsEchoIsBounded() {
    String huge = "big v=\"" + "x".repeat(10_000) + "\" 1";
    LineGate.Result r = new LineGate(5000).filter(Buffer.buffer("a v=1 1\n" + huge + "\nb v=2 2\n"), Precision.NS);
    assertEquals(2, r.count());
    assertEquals(1, r.rejected().listed().size());
    assertTrue(r.rejected().listed().get(0).reason().contains("longer than"), r.rejected().listed().get(0).reason());
    assertTrue(r.rejected().listed().get(0).line().length() < 5000);
  }

  @Test
  void invalidUtf8AndNulBytesAreRejectedPerLine() {
    Buffer body = Buffer.buffer().appendString("ok v=1 1\n")
        .appendBytes(new byte[] {'m', ' ', 'v', '=', '"', (byte) 0xC3, (byte) 0x28, '"', ' ', '1', '\n'})
        .appendBytes(new byte[] {'m', 0, ' ', 'v', '=', '1', ' ', '1', '\n'})
        .appendString("ok v=2 2\n");
    LineGate.Result r = gate.filter(body, Precision.NS);
    assertEquals(2, r.count());
    assertEquals(2, r.rejected().listed().size());
  }

  @Test
  void aBodyOfOnlyBadLinesCostsABoundedReplyAndNoCopy() {
    int lines = 1_000_000;
    byte[] raw = "x\n".repeat(lines).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    LineGate.Result r = gate.filter(Buffer.buffer(raw), Precision.NS);
    assertEquals(0, r.count());
    assertEquals(lines, r.rejected().total(), "every refused line is counted");
    assertEquals(io.outflux.protocol.BatchReply.MAX_LISTED, r.rejected().listed().size(), "only the first are listed");
    String reply = new io.outflux.protocol.BatchReply(1, 0, r.rejected().listed(), r.rejected().unlisted(), 1024)
        .toJson().encode();
    assertTrue(reply.length() < 20_000, "a bounded reply: " + reply.length() + " chars");
  }

  @Test
  void echoedTextOfRefusedLinesIsBoundedInTotal() {
    String longBad = "m v=\"" + "y".repeat(3000); // unterminated string: invalid, 3 KB each
    Buffer body = Buffer.buffer((longBad + "\n").repeat(60) + "ok v=1 1\n");
    LineGate.Result r = new LineGate(1 << 20).filter(body, Precision.NS);
    assertEquals(1, r.count());
    assertEquals(60, r.rejected().total());
    int echoed = r.rejected().listed().stream().mapToInt(l -> l.line().length()).sum();
    assertTrue(echoed <= io.outflux.protocol.BatchReply.MAX_ECHO_BYTES, "echoed " + echoed);
    assertTrue(r.rejected().unlisted() > 0);
  }

  @Test
  void keptLinesAreCompactedInPlaceInOrder() {
    Buffer body = Buffer.buffer("a v=1 1\nbad\nb v=2 2\r\nworse\nc v=3 3");
    LineGate.Result r = gate.filter(body, Precision.NS);
    assertEquals("a v=1 1\nb v=2 2\nc v=3 3\n", r.lines().toString());
    assertEquals(3, r.count());
    assertEquals(2, r.rejected().total());
    Buffer noRoom = Buffer.buffer("a v=1 1\nb v=2 2");
    assertEquals("a v=1 1\nb v=2 2", gate.filter(noRoom, Precision.NS).lines().toString(),
        "a last line without newline and nothing dropped passes as it is");
  }
}
