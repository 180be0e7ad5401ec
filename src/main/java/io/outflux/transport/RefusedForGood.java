package io.outflux.transport;

import io.outflux.batch.Batch;
import io.outflux.protocol.BatchReply.RejectedLine;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The outcome of a batch refused for good ({@link DeliveryPolicy.Action.Quarantine}): every line,
 * each with the reason, for the dead-letter file, and the reason once for the batch, so that the
 * batch is told once rather than line by line. Pure; reads the whole payload, so off the event loop.
 */
final class RefusedForGood {

  private RefusedForGood() {
  }

  static Delivery delivery(Batch batch, String reason) {
    return Delivery.refused(batch.seq(), reason, everyLine(batch, "refused for good: " + reason));
  }

  /** Every line of the batch, each with the reason. */
  static List<RejectedLine> everyLine(Batch batch, String reason) {
    List<RejectedLine> out = new ArrayList<>();
    for (String line : batch.payload().toString(StandardCharsets.UTF_8).split("\n")) {
      if (!line.isEmpty()) {
        out.add(new RejectedLine(line, reason));
      }
    }
    return out;
  }
}
