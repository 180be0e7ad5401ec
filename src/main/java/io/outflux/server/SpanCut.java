package io.outflux.server;

import io.outflux.protocol.BatchSpan;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

/**
 * Where a wire version 2 batch is cut once the server knows how much of its spool range is stored:
 * the bytes of the payload to leave out. Pure.
 *
 * <p>A verbatim payload is the spool's bytes themselves, so the stored prefix of the range is the
 * same length of payload; it is left out only when it ends at a line's end (a client that names a
 * line's middle sent something else than it says: the whole batch is written). Any other payload
 * (stamped lines, CRLF, lines the client left out) cannot be cut by offset: it is left out whole
 * when its whole range is stored, else written whole.
 */
final class SpanCut {

  private SpanCut() {
  }

  /** Bytes of {@code payload} to leave out; {@code stored}: bytes of the span stored already. */
  static int skip(BatchSpan span, long stored, Buffer payload) {
    int length = payload.length();
    if (stored <= 0 || length == 0) {
      return 0;
    }
    if (stored >= span.length()) {
      return length;
    }
    if (!span.verbatim() || length != span.length()) {
      return 0;
    }
    int cut = (int) stored;
    return payload.getByte(cut - 1) == '\n' ? cut : 0;
  }

  /** Lines in the first {@code bytes} of {@code payload} (its newlines; a payload ends with one). */
  static long lines(Buffer payload, int bytes) {
    long[] count = {0};
    if (payload instanceof BufferInternal internal) {
      io.netty.buffer.ByteBuf buf = internal.getByteBuf();
      buf.forEachByte(buf.readerIndex(), bytes, b -> {
        if (b == '\n') {
          count[0]++;
        }
        return true;
      });
    } else {
      for (int i = 0; i < bytes; i++) {
        count[0] += payload.getByte(i) == '\n' ? 1 : 0;
      }
    }
    return count[0];
  }
}
