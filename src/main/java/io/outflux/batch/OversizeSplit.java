package io.outflux.batch;

import io.outflux.protocol.BatchReply;
import io.outflux.protocol.BatchSpan;
import io.outflux.protocol.LogSafe;
import io.outflux.transport.Delivery;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What becomes of a batch the server refused as larger than its body limit (HTTP 413): resending it
 * as it is would fail forever, so it is split in two halves by lines under new numbers, and a single
 * line, which can never be stored, goes to the dead-letter file with the reason. Pure.
 */
final class OversizeSplit {

  private static final Logger log = LoggerFactory.getLogger(BatchVerticle.class);

  /** The two halves: {@code a} carries no end position (see {@link AckTracker}), {@code b} the batch's end. */
  record Halves(Batch a, Batch b) {
  }

  private OversizeSplit() {
  }

  /** The outcome to settle a single-line batch with: acknowledged, its line quarantined with the reason. */
  static Delivery deadLetter(Batch batch, String reason, long maxBatchSize) {
    log.error("batch {}: a single line of {} bytes is larger than the server accepts ({}); it goes to the "
        + "dead-letter file", batch.seq(), batch.bytes(), LogSafe.of(reason));
    String line = batch.payload().toString(StandardCharsets.UTF_8);
    return new Delivery(batch.seq(), 0, List.of(new BatchReply.RejectedLine(
        line.endsWith("\n") ? line.substring(0, line.length() - 1) : line,
        "too large for the server (HTTP 413: " + reason + "); sync.maxBatchSize is " + maxBatchSize + " bytes")));
  }

  /** The halves at {@code cut}, numbered {@code first} and {@code second}; each names its own part of the spool range. */
  static Halves halves(Batch batch, LineCut.Cut cut, long first, long second) {
    BatchSpan[] spans = batch.halves(cut.bytes());
    Batch a = new Batch(first, batch.payload().slice(0, cut.bytes()), cut.lines(), batch.start(), null,
        batch.progress(), spans[0]);
    Batch b = new Batch(second, batch.payload().slice(cut.bytes(), batch.bytes()), batch.lines() - cut.lines(),
        batch.start(), batch.end(), batch.progress(), spans[1]);
    return new Halves(a, b);
  }

  static void logSplit(Batch batch, String reason, Halves halves) {
    log.warn("batch {} ({} lines, {} bytes) is larger than the server accepts ({}): sending it as batches {} "
        + "({} lines) and {} ({} lines)", batch.seq(), batch.lines(), batch.bytes(), LogSafe.of(reason),
        halves.a().seq(), halves.a().lines(), halves.b().seq(), halves.b().lines());
  }
}
