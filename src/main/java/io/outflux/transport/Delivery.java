package io.outflux.transport;

import io.outflux.protocol.BatchReply.RejectedLine;
import java.util.List;

/**
 * The transport's outcome for a batch: the server acknowledged it (some lines may have been refused
 * for good), or, with a {@code tooLarge} reason, refused it as larger than its body limit (HTTP
 * 413): the batcher splits it and sends the parts.
 */
public record Delivery(long seq, long written, List<RejectedLine> rejected, String tooLarge) {

  public Delivery(long seq, long written, List<RejectedLine> rejected) {
    this(seq, written, rejected, null);
  }

  public static Delivery tooLarge(long seq, String reason) {
    return new Delivery(seq, 0, List.of(), reason);
  }
}
