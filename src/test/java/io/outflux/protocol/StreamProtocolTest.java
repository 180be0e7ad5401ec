package io.outflux.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StreamProtocolTest {

  @Test
  void aBatchMessageRoundTripsSeqLinesFlagsAndPayload() {
    Buffer payload = Buffer.buffer("cpu v=1 1\ncpu v=2 2\n");
    Buffer wire = StreamProtocol.encodeBatch(1L << 40, 2, true, payload);
    assertEquals(StreamProtocol.HEADER_LENGTH + payload.length(), wire.length());
    assertEquals('B', wire.getByte(0));
    StreamProtocol.BatchFrame frame = StreamProtocol.decodeBatch(wire);
    assertEquals(1L << 40, frame.seq());
    assertEquals(2, frame.lines());
    assertTrue(frame.gzip());
    assertEquals(payload, frame.payload());
  }

  /** zstd payloads (bit 2) and zstd with the stream's dictionary (bit 3); two encodings at once are refused. */
  @Test
  void zstdFlagsRoundTripAndTwoEncodingsAtOnceAreRefused() {
    Buffer payload = Buffer.buffer("zstd frame bytes");
    for (StreamProtocol.Payload p : StreamProtocol.Payload.values()) {
      StreamProtocol.BatchFrame frame = StreamProtocol.decodeBatch(StreamProtocol.encodeBatch(7, 1, p, null, payload));
      assertEquals(p, frame.encoding());
      assertEquals(payload, frame.payload());
    }
    assertEquals(StreamProtocol.FLAG_ZSTD_DICTIONARY,
        StreamProtocol.encodeBatch(7, 1, StreamProtocol.Payload.ZSTD_DICTIONARY, null, payload).getByte(1));
    Buffer both = StreamProtocol.encodeBatch(7, 1, StreamProtocol.Payload.ZSTD, null, payload)
        .setByte(1, (byte) (StreamProtocol.FLAG_ZSTD | StreamProtocol.FLAG_GZIP));
    assertThrows(IllegalArgumentException.class, () -> StreamProtocol.decodeBatch(both));
  }

  @Test
  void aVersionTwoBatchMessageCarriesItsSpanBetweenHeaderAndPayload() {
    Buffer payload = Buffer.buffer("cpu v=1 1\ncpu v=2 2\n");
    BatchSpan span = new BatchSpan(BatchSpan.LIVE, "2049.131075.1f2e3d4c", 100, 100 + payload.length(), true);
    Buffer wire = StreamProtocol.encodeBatch(9, 2, false, span, payload);
    assertEquals(StreamProtocol.FLAG_SPAN, wire.getByte(1));
    StreamProtocol.BatchFrame frame = StreamProtocol.decodeBatch(wire);
    assertEquals(Optional.of(span), frame.span());
    assertEquals(payload, frame.payload());
    assertEquals(9, frame.seq());
    assertEquals(Optional.empty(), StreamProtocol.decodeBatch(StreamProtocol.encodeBatch(9, 2, true, payload)).span(),
        "a version 1 message names no span");
  }

  @Test
  void aSpanFlagWithoutItsSpanIsRefusedAndAnUnreadableSpanGoesTheVersionOneWay() {
    Buffer truncated = Buffer.buffer().appendByte(StreamProtocol.BATCH).appendByte((byte) StreamProtocol.FLAG_SPAN)
        .appendLong(1).appendInt(1).appendUnsignedShort(200).appendString("v=2;lane=live");
    assertThrows(IllegalArgumentException.class, () -> StreamProtocol.decodeBatch(truncated));
    Buffer later = Buffer.buffer().appendByte(StreamProtocol.BATCH).appendByte((byte) StreamProtocol.FLAG_SPAN)
        .appendLong(1).appendInt(1).appendUnsignedShort(3).appendString("v=3").appendString("x v=1 1\n");
    StreamProtocol.BatchFrame frame = StreamProtocol.decodeBatch(later);
    assertEquals(Optional.empty(), frame.span());
    assertEquals("x v=1 1\n", frame.payload().toString());
  }

  @Test
  void onlyAVersionOfTwoOrMoreSpeaksSpans() {
    assertTrue(StreamProtocol.speaksSpans("2"));
    assertTrue(StreamProtocol.speaksSpans(" 3 "));
    assertEquals(false, StreamProtocol.speaksSpans(null));
    assertEquals(false, StreamProtocol.speaksSpans("1"));
    assertEquals(false, StreamProtocol.speaksSpans("two"));
  }

  @Test
  void somethingElseIsNotTakenForABatch() {
    assertThrows(IllegalArgumentException.class, () -> StreamProtocol.decodeBatch(Buffer.buffer("hello")));
    assertThrows(IllegalArgumentException.class,
        () -> StreamProtocol.decodeBatch(Buffer.buffer(new byte[20]).setByte(0, (byte) 'X')));
    Buffer badFlags = StreamProtocol.encodeBatch(1, 1, false, Buffer.buffer("x\n")).setByte(1, (byte) 16);
    assertThrows(IllegalArgumentException.class, () -> StreamProtocol.decodeBatch(badFlags));
  }

  @Test
  void acksAndNacksCarryTheSeqAndReadBackAsABatchReply() {
    JsonObject ack = StreamProtocol.ack(new BatchReply(7, 3, List.of(new BatchReply.RejectedLine("x", "bad"))));
    assertEquals("ack", ack.getString("type"));
    BatchReply back = BatchReply.fromJson(ack);
    assertEquals(7, back.seq());
    assertEquals("bad", back.rejected().get(0).reason());
    JsonObject nack = StreamProtocol.nack(8, 503, "down", Optional.of(Duration.ofMillis(200)));
    assertEquals(1, nack.getLong("retryAfter"), "Retry-After is whole seconds, at least 1");
    assertEquals(8, nack.getLong("seq"));
    assertEquals("{\"type\":\"flush\"}", StreamProtocol.flush().encode());
  }

  @Test
  void aReportMessageCarriesBacklogAndLagWithTheLagRoundedToTheMillisecond() {
    JsonObject report = new JsonObject(StreamProtocol.report(123_456, 78, 2.34567).encode());
    assertEquals("report", report.getString("type"));
    assertEquals(123_456, report.getLong("backlogBytes"));
    assertEquals(78, report.getLong("backlogLines"));
    assertEquals(2.346, report.getDouble("lagSeconds"));
    assertEquals(io.outflux.metrics.BuildInfo.version(), report.getString("version"));
    assertEquals(5, report.size(), "nothing else: " + report);
  }
}
