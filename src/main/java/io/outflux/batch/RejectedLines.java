package io.outflux.batch;

import io.outflux.protocol.BatchReply.RejectedLine;
import java.util.List;

/**
 * Lines for the dead-letter file from an acknowledged batch: lines InfluxDB refused for good (parse
 * errors, type conflicts), as reported by the server, the rest of the batch counting as synced; or,
 * with a {@code refused} reason, every line of a batch the server refused for good as a whole, which
 * the dead-letter file's owner reports once for the batch rather than line by line.
 */
public record RejectedLines(long seq, List<RejectedLine> lines, String refused) {

  public RejectedLines(long seq, List<RejectedLine> lines) {
    this(seq, lines, null);
  }
}
