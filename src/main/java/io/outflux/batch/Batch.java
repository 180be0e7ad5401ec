package io.outflux.batch;

import io.outflux.spool.SpoolPosition;
import io.vertx.core.buffer.Buffer;

/**
 * Lines cut from the spool to be sent as one unit. {@code seq} increases by one per batch for the
 * life of the client (it survives restarts through the checkpoint); the spool range tells the
 * checkpoint how far it may move once this batch and all before it are acknowledged.
 */
public record Batch(long seq, Buffer payload, int lines, SpoolPosition start, SpoolPosition end, Progress progress) {

  public int bytes() {
    return payload.length();
  }
}
