package io.outflux.spool;

import io.vertx.core.buffer.Buffer;

/**
 * Complete lines read from the spool, each ending with '\n', covering the bytes from {@code start}
 * up to {@code end}. Sent by the tail to the batcher, which replies once it has room for more: that
 * reply is the tail's backpressure.
 */
public record SpoolChunk(SpoolPosition start, SpoolPosition end, Buffer lines, int lineCount) {

  public int bytes() {
    return lines.length();
  }
}
