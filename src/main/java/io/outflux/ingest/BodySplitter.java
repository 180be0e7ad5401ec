package io.outflux.ingest;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a line-protocol body into parts of at most {@code maxBytes}, at line ends, because InfluxDB
 * 1.x answers 413 and writes nothing for a body over 25,000,000 bytes. A single line longer than
 * the limit stays whole (InfluxDB will refuse it; the client's scanner keeps such lines out).
 */
final class BodySplitter {

  /** Under InfluxDB 1.x's 25,000,000-byte limit, with room to spare. */
  static final int INFLUX_V1_MAX_BODY = 24_000_000;

  private BodySplitter() {
  }

  /** The parts in order, each a slice (no copy) ending at a newline except perhaps the last. */
  static List<Buffer> split(Buffer body, int maxBytes) {
    List<Buffer> parts = new ArrayList<>();
    int length = body.length();
    int start = 0;
    while (length - start > maxBytes) {
      int end = lastNewlineBefore(body, start, start + maxBytes);
      if (end < 0) {
        end = nextNewline(body, start + maxBytes, length);
      }
      parts.add(body.slice(start, end + 1));
      start = end + 1;
    }
    if (start < length) {
      parts.add(body.slice(start, length));
    }
    return parts;
  }

  static long countLines(Buffer lines) {
    long count = 0;
    int length = lines.length();
    for (int i = 0; i < length; i++) {
      if (lines.getByte(i) == '\n') {
        count++;
      }
    }
    if (length > 0 && lines.getByte(length - 1) != '\n') {
      count++;
    }
    return count;
  }

  private static int lastNewlineBefore(Buffer body, int from, int limit) {
    for (int i = limit - 1; i >= from; i--) {
      if (body.getByte(i) == '\n') {
        return i;
      }
    }
    return -1;
  }

  private static int nextNewline(Buffer body, int from, int length) {
    for (int i = from; i < length; i++) {
      if (body.getByte(i) == '\n') {
        return i;
      }
    }
    return length - 1;
  }
}
