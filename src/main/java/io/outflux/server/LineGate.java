package io.outflux.server;

import io.netty.buffer.Unpooled;
import io.outflux.lineprotocol.BufferBytes;
import io.outflux.lineprotocol.LineInfo;
import io.outflux.lineprotocol.LineKind;
import io.outflux.lineprotocol.LineScanner;
import io.outflux.lineprotocol.Newlines;
import io.outflux.lineprotocol.Precision;
import io.outflux.protocol.RejectList;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

/**
 * Re-validates every line a client sends before anything reaches InfluxDB. The server never
 * trusts a client: some inputs that InfluxDB 1.6.7's parser lets through crash it outright
 * (testdata/README.md), so one bad edge could take the central database down for everyone.
 * Lines the reference grammar rejects come back to the client as per-line rejects. In the usual
 * case (all lines valid, no CR, no blank lines) the body is passed on as is, without a copy.
 *
 * <p>Bounded whatever the body holds: the kept lines are compacted in place inside the body's own
 * bytes (no second buffer, no per-line index), and refused lines go into a {@link RejectList}
 * (a few records and a counter). A body of a million bad lines costs its own bytes plus a constant.
 * Bodies over {@link #INLINE_LIMIT} are scanned on a worker thread, never on an event loop.
 */
final class LineGate {

  /** How the reason of every line this gate refuses begins (metrics tell them from InfluxDB's refusals). */
  static final String INVALID = io.outflux.protocol.BatchReply.INVALID;
  /** Bodies up to this size are scanned where they arrive (well under a millisecond). */
  static final int INLINE_LIMIT = 64 * 1024;

  /** The lines to write, how many there are, and what was refused. */
  record Result(Buffer lines, long count, RejectList rejected) {
  }

  private final long maxLineSize;

  LineGate(long maxLineSize) {
    this.maxLineSize = maxLineSize;
  }

  long maxLineSize() {
    return maxLineSize;
  }

  /** Filters a body, on a worker when it is large. The body's bytes may be rewritten: it is the caller's no more. */
  Future<Result> filter(Vertx vertx, Buffer body, Precision precision) {
    if (body.length() <= INLINE_LIMIT) {
      return Future.succeededFuture(filter(body, precision));
    }
    return vertx.executeBlocking(() -> filter(body, precision), false);
  }

  /** Thread-safe: the scanner and scratch are per call. */
  Result filter(Buffer body, Precision precision) {
    LineScanner scanner = new LineScanner(precision);
    LineInfo info = new LineInfo();
    BufferBytes bytes = BufferBytes.of(body);
    byte[] b = bytes.array();
    int start = bytes.offset();
    int end = start + bytes.length();
    RejectList rejected = new RejectList();
    boolean rewrite = false;
    int write = start; // kept lines are moved down to here: never past the line being read
    long count = 0;
    for (int pos = start; pos < end; ) {
      int nl = Newlines.indexOf(b, pos, end);
      int lineEnd = nl < 0 ? end : nl;
      if (lineEnd - pos > maxLineSize) {
        if (rejected.listsMore()) {
          rejected.add(b, pos, lineEnd, INVALID + ": line of " + (lineEnd - pos)
              + " bytes is longer than the server's http.maxLineSize (" + maxLineSize + ")");
        } else {
          rejected.addUnlisted(1);
        }
        rewrite = true;
      } else {
        LineKind kind = scanner.scan(b, pos, lineEnd, info);
        if (kind == LineKind.POINT) {
          count++;
          int keptEnd = info.lineEnd();
          rewrite |= info.hasCarriageReturn() || nl < 0;
          if (!rewrite) {
            write = nl + 1;
          } else {
            System.arraycopy(b, pos, b, write, keptEnd - pos);
            write += keptEnd - pos;
            if (write < end) {
              // a last line without '\n' keeps none when there is no room (the write queue adds it)
              b[write++] = '\n';
            }
          }
        } else {
          rewrite = true;
          if (kind == LineKind.ERROR && rejected.listsMore()) {
            rejected.add(b, pos, lineEnd, INVALID + ": " + info.reason());
          } else if (kind == LineKind.ERROR) {
            rejected.addUnlisted(1); // a million bad lines cost a counter, not a million reason strings
          }
        }
      }
      pos = nl < 0 ? end : nl + 1;
    }
    if (!rewrite) {
      return new Result(body, count, rejected);
    }
    Buffer out = BufferInternal.buffer(Unpooled.wrappedBuffer(b, start, write - start));
    return new Result(out, count, rejected);
  }
}
