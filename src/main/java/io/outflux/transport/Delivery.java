package io.outflux.transport;

import io.outflux.protocol.BatchReply.RejectedLine;
import java.util.List;

/**
 * The transport's outcome for a batch, one of three kinds:
 * <ul>
 *   <li>acknowledged: the server stored it ({@code rejected} lists lines InfluxDB refused for good);
 *   <li>{@code tooLarge}: refused as larger than the server's body limit (HTTP 413): the batcher
 *       splits it and sends the parts;
 *   <li>{@code refused}: the whole batch refused for good (a persistent 400): {@code rejected} holds
 *       every line, each with that reason; it goes to the dead-letter file, told once for the batch,
 *       and its slot is freed.
 * </ul>
 */
public record Delivery(long seq, long written, List<RejectedLine> rejected, String tooLarge, String refused) {

  public Delivery(long seq, long written, List<RejectedLine> rejected) {
    this(seq, written, rejected, null, null);
  }

  public static Delivery tooLarge(long seq, String reason) {
    return new Delivery(seq, 0, List.of(), reason, null);
  }

  /** The batch refused for good: {@code lines} are all of its lines, each with the reason. */
  public static Delivery refused(long seq, String reason, List<RejectedLine> lines) {
    return new Delivery(seq, 0, lines, null, reason);
  }
}
