package io.outflux.spool;

import io.vertx.core.buffer.Buffer;

/**
 * Finds where the complete lines in a freshly read buffer end. A last line without its '\n' is
 * being written right now (Telegraf flushes whole lines, but a read can land mid-write), so it
 * stays in the file until its newline arrives.
 */
final class LineCutter {

  /** Bytes up to and including the last '\n' among the first {@code maxLines} lines (0: none yet). */
  int completeBytes;
  int lines;

  void cut(Buffer buf, int length, int maxLines) {
    completeBytes = 0;
    lines = 0;
    for (int i = 0; i < length; i++) {
      if (buf.getByte(i) == '\n') {
        completeBytes = i + 1;
        if (++lines == maxLines) {
          return;
        }
      }
    }
  }
}
