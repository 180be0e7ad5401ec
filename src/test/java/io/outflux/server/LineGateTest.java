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
    assertEquals(2, r.rejected().size());
    assertEquals(POISON_1, r.rejected().get(0).line());
    assertEquals(POISON_2, r.rejected().get(1).line());
    assertTrue(r.rejected().get(0).reason().startsWith("invalid line protocol: "), r.rejected().get(0).reason());
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
    assertEquals(1, r.rejected().size());
    assertTrue(r.rejected().get(0).reason().contains("longer than"), r.rejected().get(0).reason());
    assertTrue(r.rejected().get(0).line().length() < 5000);
  }

  @Test
  void invalidUtf8AndNulBytesAreRejectedPerLine() {
    Buffer body = Buffer.buffer().appendString("ok v=1 1\n")
        .appendBytes(new byte[] {'m', ' ', 'v', '=', '"', (byte) 0xC3, (byte) 0x28, '"', ' ', '1', '\n'})
        .appendBytes(new byte[] {'m', 0, ' ', 'v', '=', '1', ' ', '1', '\n'})
        .appendString("ok v=2 2\n");
    LineGate.Result r = gate.filter(body, Precision.NS);
    assertEquals(2, r.count());
    assertEquals(2, r.rejected().size());
  }
}
