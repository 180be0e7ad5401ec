package io.outflux.transport;

import io.outflux.batch.Batch;
import io.outflux.lineprotocol.BufferBytes;
import io.outflux.lineprotocol.LineInfo;
import io.outflux.lineprotocol.LineKind;
import io.outflux.lineprotocol.LineScanner;
import io.outflux.lineprotocol.Newlines;
import io.outflux.lineprotocol.Precision;
import io.outflux.protocol.BatchReply;
import io.outflux.protocol.BatchReply.RejectedLine;
import io.outflux.protocol.RejectList;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;

/**
 * Every refused line of an acknowledged batch, also when the server's reply names only the first
 * ones ({@link BatchReply#unlisted}): the server lists its own refusals first and in line order, so
 * the client runs the same scanner (and the server's line limit) over the batch it sent, skips as
 * many refusals as the reply listed, and takes the next ones. What it cannot find (InfluxDB refused
 * lines that the grammar accepts, or a server with another scanner) becomes one record with the
 * count, like a type conflict that InfluxDB counts without naming: never silently accepted.
 */
final class UnlistedRejects {

  private UnlistedRejects() {
  }

  /** The full list; scanning a large batch runs on a worker. */
  static Future<List<RejectedLine>> of(Vertx vertx, Batch batch, BatchReply reply, Precision precision) {
    if (reply.unlisted() == 0) {
      return Future.succeededFuture(reply.rejected());
    }
    return vertx.executeBlocking(() -> find(batch, reply, precision), false)
        .otherwise(err -> {
          List<RejectedLine> counted = new ArrayList<>(reply.rejected());
          counted.add(new RejectedLine("", reply.unlisted() + " more lines of batch " + batch.seq()
              + " refused for good and not named in the server's reply (the client's scan failed: " + err + ")"));
          return counted;
        });
  }

  static List<RejectedLine> find(Batch batch, BatchReply reply, Precision precision) {
    List<RejectedLine> all = new ArrayList<>(reply.rejected());
    long skip = reply.rejected().stream().filter(r -> r.reason().startsWith(BatchReply.INVALID)).count();
    long wanted = reply.unlisted();
    LineScanner scanner = new LineScanner(precision);
    LineInfo info = new LineInfo();
    BufferBytes bytes = BufferBytes.of(batch.payload());
    byte[] b = bytes.array();
    int end = bytes.offset() + bytes.length();
    RejectList found = new RejectList();
    long limit = reply.maxLineSize() > 0 ? reply.maxLineSize() : Long.MAX_VALUE;
    for (int pos = bytes.offset(); pos < end && wanted > 0; ) {
      int nl = Newlines.indexOf(b, pos, end);
      int lineEnd = nl < 0 ? end : nl;
      String reason = null;
      if (lineEnd - pos > limit) {
        reason = "line of " + (lineEnd - pos) + " bytes is longer than the server's http.maxLineSize (" + limit + ")";
      } else if (scanner.scan(b, pos, lineEnd, info) == LineKind.ERROR) {
        reason = info.reason();
      }
      if (reason != null && skip-- <= 0) {
        all.add(new RejectedLine(RejectList.echo(b, pos, lineEnd, Integer.MAX_VALUE),
            BatchReply.INVALID + ": " + reason + " (not named in the server's reply; found by the client's scanner)"));
        wanted--;
      }
      pos = nl < 0 ? end : nl + 1;
    }
    if (wanted > 0) {
      all.add(new RejectedLine("", wanted + " more lines of batch " + batch.seq() + " refused for good by the server "
          + "or InfluxDB and not named in its reply (InfluxDB refuses some lines the grammar accepts, e.g. unsigned "
          + "integers in 1.x)"));
    }
    return all;
  }
}
