package io.outflux.transport;

import io.outflux.protocol.BatchReply.RejectedLine;
import java.util.List;

/** The transport's reply for a batch: the server acknowledged it; some lines may have been refused for good. */
public record Delivery(long seq, long written, List<RejectedLine> rejected) {
}
