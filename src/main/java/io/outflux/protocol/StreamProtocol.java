package io.outflux.protocol;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Optional;

/**
 * The streaming half of the wire protocol (docs/wire-protocol.md, "Streaming"): {@code GET
 * /api/v1/stream} upgraded to a WebSocket, with the same query parameters and headers as a batch
 * POST. Batches travel client to server as binary messages; the server answers each with a text
 * message (JSON) carrying its seq, and may send a flush control message at any time.
 *
 * <pre>
 * batch (binary):  byte 0 = 'B' (0x42), byte 1 = flags (bit 0: payload gzip), bytes 2-9 = seq
 *                  (int64 big-endian), bytes 10-13 = line count (int32 big-endian), then the payload
 * ack   (text):    {"type":"ack","seq":42,"written":998,"rejected":[{"line":"..","reason":".."}]}
 * nack  (text):    {"type":"nack","seq":42,"status":503,"error":"..","retryAfter":1}
 * flush (text):    {"type":"flush"}
 * report (text, client to server, at most once a second; servers before it ignore it):
 *                  {"type":"report","backlogBytes":123,"backlogLines":4,"lagSeconds":0.25}
 * </pre>
 */
public final class StreamProtocol {

  public static final String STREAM_PATH = "/api/v1/stream";

  public static final byte BATCH = 'B';
  public static final int FLAG_GZIP = 1;
  public static final int HEADER_LENGTH = 14;

  public static final String TYPE = "type";
  public static final String TYPE_ACK = "ack";
  public static final String TYPE_NACK = "nack";
  public static final String TYPE_FLUSH = "flush";
  public static final String TYPE_REPORT = "report";
  public static final String REPORT_BACKLOG_BYTES = "backlogBytes";
  public static final String REPORT_BACKLOG_LINES = "backlogLines";
  public static final String REPORT_LAG_SECONDS = "lagSeconds";
  /** Optional in a report: the client's outflux version, and {@code "state":"stopped"} in its last report. */
  public static final String REPORT_VERSION = "version";
  public static final String REPORT_STATE = "state";

  private StreamProtocol() {
  }

  /** A decoded batch message. */
  public record BatchFrame(long seq, int lines, boolean gzip, Buffer payload) {
  }

  public static Buffer encodeBatch(long seq, int lines, boolean gzip, Buffer payload) {
    return Buffer.buffer(HEADER_LENGTH + payload.length())
        .appendByte(BATCH)
        .appendByte((byte) (gzip ? FLAG_GZIP : 0))
        .appendLong(seq)
        .appendInt(lines)
        .appendBuffer(payload);
  }

  /** @throws IllegalArgumentException when the message is not a batch */
  public static BatchFrame decodeBatch(Buffer message) {
    if (message.length() < HEADER_LENGTH || message.getByte(0) != BATCH) {
      throw new IllegalArgumentException("not a batch message: expected 'B', flags, seq (8 bytes), lines (4 bytes)");
    }
    int flags = message.getByte(1);
    if ((flags & ~FLAG_GZIP) != 0) {
      throw new IllegalArgumentException("unknown flags " + flags);
    }
    return new BatchFrame(message.getLong(2), message.getInt(10), (flags & FLAG_GZIP) != 0,
        message.slice(HEADER_LENGTH, message.length()));
  }

  public static JsonObject ack(BatchReply reply) {
    return reply.toJson().put(TYPE, TYPE_ACK);
  }

  public static JsonObject nack(long seq, int status, String error, Optional<Duration> retryAfter) {
    JsonObject json = new JsonObject().put(TYPE, TYPE_NACK).put("seq", seq).put("status", status).put("error", error);
    retryAfter.ifPresent(d -> json.put("retryAfter", Math.max(1, d.toSeconds())));
    return json;
  }

  public static JsonObject flush() {
    return new JsonObject().put(TYPE, TYPE_FLUSH);
  }

  /**
   * The client's own figures for the fleet view, the streaming twin of the {@code Outflux-Backlog-*}
   * and {@code Outflux-Lag-Seconds} headers of a POST. Lag is rounded to the millisecond.
   */
  public static JsonObject report(long backlogBytes, long backlogLines, double lagSeconds) {
    return new JsonObject().put(TYPE, TYPE_REPORT)
        .put(REPORT_BACKLOG_BYTES, backlogBytes)
        .put(REPORT_BACKLOG_LINES, backlogLines)
        .put(REPORT_LAG_SECONDS, Math.round(lagSeconds * 1000) / 1000.0)
        .put(REPORT_VERSION, io.outflux.metrics.BuildInfo.version());
  }
}
