package io.outflux.batch;

import io.outflux.protocol.BatchSpan;
import io.outflux.spool.SpoolPosition;
import io.vertx.core.buffer.Buffer;

/**
 * Lines cut from the spool to be sent as one unit. {@code seq} increases by one per batch for the
 * life of the client (it survives restarts through the checkpoint); the spool range tells the
 * checkpoint how far it may move once this batch and all before it are acknowledged.
 *
 * @param span the batch's identity by spool position (wire version 2): the same lane, file and byte
 *     range always hold the same lines, however a restarted client cuts them; null when the lines do
 *     not come from one contiguous range of one known file (the server then identifies the batch by
 *     {@code seq} and content, as for a version 1 client)
 */
public record Batch(long seq, Buffer payload, int lines, SpoolPosition start, SpoolPosition end, Progress progress,
                    BatchSpan span) {

  public Batch(long seq, Buffer payload, int lines, SpoolPosition start, SpoolPosition end, Progress progress) {
    this(seq, payload, lines, start, end, progress, null);
  }

  public int bytes() {
    return payload.length();
  }

  /**
   * The spans of the two halves of this batch cut after {@code bytes} of its payload: only a verbatim
   * payload can be cut by offset; otherwise the halves carry none.
   */
  BatchSpan[] halves(int bytes) {
    if (span == null || !span.verbatim() || span.length() != payload.length()) {
      return new BatchSpan[] {null, null};
    }
    long cut = span.from() + bytes;
    return new BatchSpan[] {new BatchSpan(span.lane(), span.file(), span.from(), cut, true),
        new BatchSpan(span.lane(), span.file(), cut, span.to(), true)};
  }
}
