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
 * <p>Stream version 2 (the batch's identity by spool position, {@link BatchSpan}) is negotiated at
 * the upgrade: the client asks with {@code Outflux-Stream-Version: 2} ({@link #HEADER_STREAM_VERSION})
 * on the upgrade request, a server that knows it answers the same header in its 101, and only then
 * does the client set flag bit 1 and put the span in its batch messages. A version 1 client never
 * asks, so its messages are today's; a server before version 2 does not answer the header, so the
 * client sends it version 1 messages (a span flag would be refused there as an unknown flag).
 *
 * <p>zstd payloads (stream encoding, docs/wire-protocol.md) are negotiated the same way: a client
 * with {@code transport.compression: zstd} asks with {@code Outflux-Stream-Encoding: zstd}
 * ({@link #HEADER_STREAM_ENCODING}); a server that knows it answers the same header in its 101, and
 * only then does the client set flag bit 2 (payload zstd). A dictionary is agreed on the open stream:
 * the client sends {@code {"type":"dictionary","id":".."}} naming a dictionary it offered with {@code
 * PUT /api/v1/dictionaries/<id>} ({@link DictionaryProtocol}); the server answers {@code
 * {"type":"dictionary","id":"..","held":true}} once it holds the decoder for this stream (false:
 * offer it again), and only then does the client set bit 3 (payload zstd with that dictionary). A
 * server without the header gets gzip, as before.
 *
 * <pre>
 * batch (binary):  byte 0 = 'B' (0x42), byte 1 = flags (bit 0: payload gzip, bit 1: span, bit 2: payload
 *                  zstd, bit 3: payload zstd with the stream's dictionary; at most one of 0, 2, 3), bytes 2-9 =
 *                  seq (int64 big-endian), bytes 10-13 = line count (int32 big-endian), then, with
 *                  the span flag, its length (uint16 big-endian) and the span as US-ASCII
 *                  ({@link BatchSpan#encode()}, the Outflux-Span header of a POST), then the payload
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
  /** Stream version 2: the message carries its {@link BatchSpan} after the fixed header. */
  public static final int FLAG_SPAN = 2;
  /** Stream encoding zstd (negotiated at the upgrade): the payload is one zstd frame. */
  public static final int FLAG_ZSTD = 4;
  /** The payload is zstd with the dictionary agreed on this stream (a dictionary message and its answer). */
  public static final int FLAG_ZSTD_DICTIONARY = 8;
  /** Upgrade request (client asks, value {@value #ENCODING_ZSTD}) and 101 answer (server agrees). */
  public static final String HEADER_STREAM_ENCODING = "Outflux-Stream-Encoding";
  public static final String ENCODING_ZSTD = "zstd";
  /** Client to server: use this dictionary on this stream; server to client: whether it holds it. */
  public static final String TYPE_DICTIONARY = "dictionary";
  public static final String DICTIONARY_ID = "id";
  public static final String DICTIONARY_HELD = "held";
  public static final int HEADER_LENGTH = 14;
  /** Upgrade request (client asks) and 101 answer (server agrees): the stream version spoken. */
  public static final String HEADER_STREAM_VERSION = "Outflux-Stream-Version";
  /** The stream version whose batch messages carry their span. */
  public static final int VERSION_SPAN = 2;
  private static final int MAX_SPAN_LENGTH = 256;

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

  /**
   * A decoded batch message.
   *
   * @param span empty in a version 1 message, and when the span it carries is unreadable or of a later
   *     version (the batch then goes the version 1 way, as a POST with such a header)
   */
  public record BatchFrame(long seq, int lines, Payload encoding, Optional<BatchSpan> span, Buffer payload) {

    public boolean gzip() {
      return encoding == Payload.GZIP;
    }
  }

  /** How a batch message's payload is encoded (its flag). */
  public enum Payload {
    PLAIN(0), GZIP(FLAG_GZIP), ZSTD(FLAG_ZSTD), ZSTD_DICTIONARY(FLAG_ZSTD_DICTIONARY);

    final int flag;

    Payload(int flag) {
      this.flag = flag;
    }
  }

  /** Client to server: the dictionary to use on this stream. */
  public static JsonObject dictionary(String id) {
    return new JsonObject().put(TYPE, TYPE_DICTIONARY).put(DICTIONARY_ID, id);
  }

  /** Server to client: whether it holds that dictionary for this stream. */
  public static JsonObject dictionaryAnswer(String id, boolean held) {
    return dictionary(id).put(DICTIONARY_HELD, held);
  }

  /** Does a 101 answer (or an upgrade request) speak stream version 2? */
  public static boolean speaksSpans(String versionHeader) {
    try {
      return versionHeader != null && Integer.parseInt(versionHeader.trim()) >= VERSION_SPAN;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** A version 1 batch message. */
  public static Buffer encodeBatch(long seq, int lines, boolean gzip, Buffer payload) {
    return encodeBatch(seq, lines, gzip, null, payload);
  }

  /** @param span null for a version 1 message (send one only on a stream whose server agreed to version 2) */
  public static Buffer encodeBatch(long seq, int lines, boolean gzip, BatchSpan span, Buffer payload) {
    return encodeBatch(seq, lines, gzip ? Payload.GZIP : Payload.PLAIN, span, payload);
  }

  /** @param encoding zstd ones only on a stream that negotiated them */
  public static Buffer encodeBatch(long seq, int lines, Payload encoding, BatchSpan span, Buffer payload) {
    byte[] encoded = span == null ? new byte[0] : span.encode().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    Buffer message = Buffer.buffer(HEADER_LENGTH + (span == null ? 0 : 2 + encoded.length) + payload.length())
        .appendByte(BATCH)
        .appendByte((byte) (encoding.flag | (span == null ? 0 : FLAG_SPAN)))
        .appendLong(seq)
        .appendInt(lines);
    if (span != null) {
      message.appendUnsignedShort(encoded.length).appendBytes(encoded);
    }
    return message.appendBuffer(payload);
  }

  /** @throws IllegalArgumentException when the message is not a batch */
  public static BatchFrame decodeBatch(Buffer message) {
    if (message.length() < HEADER_LENGTH || message.getByte(0) != BATCH) {
      throw new IllegalArgumentException("not a batch message: expected 'B', flags, seq (8 bytes), lines (4 bytes)");
    }
    int flags = message.getByte(1);
    if ((flags & ~(FLAG_GZIP | FLAG_SPAN | FLAG_ZSTD | FLAG_ZSTD_DICTIONARY)) != 0) {
      throw new IllegalArgumentException("unknown flags " + flags);
    }
    int encodings = flags & (FLAG_GZIP | FLAG_ZSTD | FLAG_ZSTD_DICTIONARY);
    if (Integer.bitCount(encodings) > 1) {
      throw new IllegalArgumentException("flags " + flags + " name more than one payload encoding");
    }
    Payload encoding = encodings == FLAG_GZIP ? Payload.GZIP : encodings == FLAG_ZSTD ? Payload.ZSTD
        : encodings == FLAG_ZSTD_DICTIONARY ? Payload.ZSTD_DICTIONARY : Payload.PLAIN;
    int start = HEADER_LENGTH;
    Optional<BatchSpan> span = Optional.empty();
    if ((flags & FLAG_SPAN) != 0) {
      int length = message.length() >= HEADER_LENGTH + 2 ? message.getUnsignedShort(HEADER_LENGTH) : -1;
      if (length < 0 || length > MAX_SPAN_LENGTH || message.length() < HEADER_LENGTH + 2 + length) {
        throw new IllegalArgumentException("span flag set but no span of at most " + MAX_SPAN_LENGTH
            + " bytes after the header");
      }
      span = BatchSpan.parse(message.getString(HEADER_LENGTH + 2, HEADER_LENGTH + 2 + length,
          java.nio.charset.StandardCharsets.US_ASCII.name()));
      start = HEADER_LENGTH + 2 + length;
    }
    return new BatchFrame(message.getLong(2), message.getInt(10), encoding, span,
        message.slice(start, message.length()));
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
