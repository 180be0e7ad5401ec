package io.outflux.server;

import io.outflux.lineprotocol.BufferBytes;
import io.outflux.lineprotocol.LineInfo;
import io.outflux.lineprotocol.LineKind;
import io.outflux.lineprotocol.LineScanner;
import io.outflux.lineprotocol.Newlines;
import io.outflux.lineprotocol.Precision;
import io.outflux.protocol.BatchReply.RejectedLine;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Re-validates every line a client sends before anything reaches InfluxDB. The server never
 * trusts a client: some inputs that InfluxDB 1.6.7's parser lets through crash it outright
 * (testdata/README.md), so one bad edge could take the central database down for everyone.
 * Lines the reference grammar rejects come back to the client as per-line rejects. In the usual
 * case (all lines valid, no CR, no blank lines) the body is passed on as is, without a copy.
 *
 * <p>Event-loop confined: it keeps scanners and scratch space.
 */
final class LineGate {

  /** How the reason of every line this gate refuses begins (metrics tell them from InfluxDB's refusals). */
  static final String INVALID = "invalid line protocol";

  /** Longest text of a rejected line echoed back; the client has the full line in its spool. */
  private static final int ECHO_LIMIT = 4096;

  /** The lines to write, how many there are, and what was refused. */
  record Result(Buffer lines, long count, List<RejectedLine> rejected) {
  }

  private final Map<Precision, LineScanner> scanners = new EnumMap<>(Precision.class);
  private final LineInfo info = new LineInfo();
  private final long maxLineSize;
  private int[] kept = new int[64];

  LineGate(long maxLineSize) {
    this.maxLineSize = maxLineSize;
    for (Precision p : Precision.values()) {
      scanners.put(p, new LineScanner(p));
    }
  }

  Result filter(Buffer body, Precision precision) {
    LineScanner scanner = scanners.get(precision);
    BufferBytes bytes = BufferBytes.of(body);
    byte[] b = bytes.array();
    int end = bytes.offset() + bytes.length();
    List<RejectedLine> rejected = new ArrayList<>(0);
    int keptRanges = 0;
    boolean rewrite = false;
    long count = 0;
    for (int pos = bytes.offset(); pos < end; ) {
      int nl = Newlines.indexOf(b, pos, end);
      int lineEnd = nl < 0 ? end : nl;
      if (lineEnd - pos > maxLineSize) {
        rejected.add(new RejectedLine(echo(b, pos, lineEnd),
            INVALID + ": line of " + (lineEnd - pos) + " bytes is longer than the server's http.maxLineSize (" + maxLineSize + ")"));
        rewrite = true;
      } else {
        LineKind kind = scanner.scan(b, pos, lineEnd, info);
        if (kind == LineKind.POINT) {
          kept = ensure(kept, keptRanges * 2 + 2);
          kept[keptRanges * 2] = pos;
          kept[keptRanges * 2 + 1] = info.lineEnd();
          keptRanges++;
          count++;
          rewrite |= info.hasCarriageReturn();
        } else {
          rewrite = true;
          if (kind == LineKind.ERROR) {
            rejected.add(new RejectedLine(echo(b, pos, lineEnd), INVALID + ": " + info.reason()));
          }
        }
      }
      pos = nl < 0 ? end : nl + 1;
    }
    if (!rewrite) {
      return new Result(body, count, List.of());
    }
    Buffer out = Buffer.buffer(bytes.length());
    for (int i = 0; i < keptRanges; i++) {
      int from = kept[i * 2];
      out.appendBytes(b, from, kept[i * 2 + 1] - from).appendByte((byte) '\n');
    }
    return new Result(out, count, rejected);
  }

  private static String echo(byte[] b, int from, int to) {
    if (to - from <= ECHO_LIMIT) {
      return new String(b, from, to - from, StandardCharsets.UTF_8);
    }
    return new String(b, from, ECHO_LIMIT, StandardCharsets.UTF_8) + "... (" + (to - from) + " bytes)";
  }

  private static int[] ensure(int[] a, int size) {
    if (a.length >= size) {
      return a;
    }
    int[] bigger = new int[Math.max(size, a.length * 2)];
    System.arraycopy(a, 0, bigger, 0, a.length);
    return bigger;
  }
}
