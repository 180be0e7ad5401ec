package io.outflux.batch;

import io.outflux.protocol.BatchReply.RejectedLine;
import java.util.List;

/**
 * Lines of an acknowledged batch that InfluxDB refused for good (parse errors, type conflicts), as
 * reported by the server. The rest of the batch counts as synced; these go to the dead-letter file.
 */
public record RejectedLines(long seq, List<RejectedLine> lines) {
}
