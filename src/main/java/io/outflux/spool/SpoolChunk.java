package io.outflux.spool;

import io.vertx.core.buffer.Buffer;

/**
 * Complete lines read from the spool, each ending with '\n', covering the bytes from {@code start}
 * up to {@code end}. Sent by the tail to the batcher, which replies once it has room for more: that
 * reply is the tail's backpressure.
 *
 * @param history read by the history segment of a newest-first catch-up; a history chunk without
 *     lines says that the history segment reached its boundary
 */
public record SpoolChunk(SpoolPosition start, SpoolPosition end, Buffer lines, int lineCount, boolean history) {

  public SpoolChunk(SpoolPosition start, SpoolPosition end, Buffer lines, int lineCount) {
    this(start, end, lines, lineCount, false);
  }

  public int bytes() {
    return lines.length();
  }
}
