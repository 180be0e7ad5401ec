package io.outflux.batch;

import io.vertx.core.buffer.Buffer;

/**
 * Where to cut a run of complete lines (each ending with '\n') so that the head respects the batch
 * limits. Pure; the cost is the length of the head, never of the whole buffer.
 */
final class LineCut {

  /** The head: its length in bytes and its number of lines. */
  record Cut(int bytes, int lines) {
  }

  private LineCut() {
  }

  /**
   * The longest head of {@code lines} of at most {@code maxLines} lines and {@code maxBytes} bytes,
   * but at least one line (a single line longer than {@code maxBytes} goes alone: the server's body
   * limit decides whether it can be stored).
   */
  static Cut head(Buffer lines, int maxLines, long maxBytes) {
    int length = lines.length();
    int count = 0;
    int cut = 0;
    for (int i = 0; i < length && count < maxLines; i++) {
      if (lines.getByte(i) == '\n') {
        if (i + 1 > maxBytes && count > 0) {
          break;
        }
        count++;
        cut = i + 1;
        if (cut >= maxBytes) {
          break;
        }
      }
    }
    if (count == 0) {
      return new Cut(length, length == 0 ? 0 : 1); // no newline: one (unterminated) line
    }
    return new Cut(cut, count);
  }

  /** The first half (by lines) of {@code lines}, which holds {@code lineCount >= 2} lines. */
  static Cut half(Buffer lines, int lineCount) {
    return head(lines, Math.max(1, lineCount / 2), Long.MAX_VALUE);
  }
}
