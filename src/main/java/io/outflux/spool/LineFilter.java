package io.outflux.spool;

import io.outflux.lineprotocol.BufferBytes;
import io.outflux.lineprotocol.LineInfo;
import io.outflux.lineprotocol.LineKind;
import io.outflux.lineprotocol.LineScanner;
import io.outflux.lineprotocol.Newlines;
import io.outflux.lineprotocol.Precision;
import io.vertx.core.buffer.Buffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns bytes freshly read from a spool file into the lines to send: complete lines only (a last
 * line without its '\n' stays for the next read), each validated by {@link LineScanner}. Valid
 * lines pass unchanged (the usual case costs one slice, no copy); lines without a timestamp get the
 * read time, CRLF endings lose the '\r', blank and comment lines are dropped, and rejected lines are
 * returned as {@link DeadLetter}s. Offsets always refer to the file, whatever was rewritten.
 *
 * <p>Runs of at least 4 KiB of NUL bytes at the start of a line are a compacted region (a punched
 * hole reads as zeros): they are skipped, and the rest of such a line, a fragment of a line synced long ago, is
 * dead-lettered rather than sent. Reused per read, not thread-safe.
 */
final class LineFilter {

  /** Gives the timestamp for a line without one, by the line's file offset (a re-read keeps its stamp). */
  interface Stamper {
    long stampFor(long lineOffset);
  }

  /**
   * Punched holes are whole file-system blocks, so a shorter run of NULs is not one: it is a line
   * of binary garbage, which the scanner rejects and which is dead-lettered with all its bytes.
   */
  static final int HOLE_MIN = 4096;

  private final LineScanner scanner;
  private final LineInfo info = new LineInfo();
  private final int maxLines;

  /** The lines to hand on, each ending with '\n'. */
  Buffer out;
  /** Lines in {@link #out}. */
  int lines;
  /** Bytes of the input that were processed: up to and including the last '\n' handled (0: none). */
  int consumed;
  /** Lines quarantined in this read. */
  final List<DeadLetter> dead = new ArrayList<>();
  /** Blank and comment lines dropped, NUL bytes of compacted regions skipped (for logs and tests). */
  int skippedLines;
  /** {@link #out} is the consumed bytes themselves: no line was rewritten or left out. */
  boolean verbatim;
  long holeBytes;

  LineFilter(Precision precision, int maxLines) {
    this.scanner = new LineScanner(precision);
    this.maxLines = maxLines;
  }

  /**
   * @param buf what was read, {@code length} bytes
   * @param fileOffset the file offset of {@code buf}'s first byte
   * @param fileName the file's name, for dead-letter records
   * @param stamper the timestamp for lines without one, in the scanner's precision
   * @param now the time written into dead-letter records
   */
  void filter(Buffer buf, int length, long fileOffset, String fileName, Stamper stamper, Instant now) {
    dead.clear();
    lines = 0;
    consumed = 0;
    skippedLines = 0;
    holeBytes = 0;
    out = null;
    BufferBytes bytes = BufferBytes.of(buf);
    byte[] b = bytes.array();
    int base = bytes.offset();
    int end = base + length;
    Buffer rewritten = null; // stays null while every line passes unchanged
    int runStart = base;     // start of the unchanged lines not yet copied into rewritten
    int pos = base;
    while (pos < end && lines < maxLines) {
      boolean fragment = false;
      int z = pos;
      while (z < end && b[z] == 0) {
        z++;
      }
      if (z - pos >= HOLE_MIN) {
        holeBytes += z - pos;
        rewritten = flush(rewritten, b, runStart, pos);
        if (z == end) {
          pos = end;
          runStart = end;
          consumed = length;
          break;
        }
        pos = z;
        runStart = z;
        fragment = true;
      }
      int nl = Newlines.indexOf(b, pos, end);
      if (nl < 0) {
        break;
      }
      LineKind kind = fragment ? LineKind.ERROR : scanner.scan(b, pos, nl, info);
      if (kind == LineKind.POINT && info.timestampPresent() && !info.hasCarriageReturn()) {
        lines++;
      } else {
        rewritten = flush(rewritten, b, runStart, pos);
        if (kind == LineKind.POINT) {
          int contentEnd = info.timestampPresent() ? info.lineEnd() : info.fieldsEnd();
          rewritten.appendBytes(b, pos, contentEnd - pos);
          if (!info.timestampPresent()) {
            long stamp = stamper.stampFor(fileOffset + (pos - base));
            rewritten.appendByte((byte) ' ').appendString(Long.toString(stamp), "US-ASCII");
          }
          rewritten.appendByte((byte) '\n');
          lines++;
        } else if (kind == LineKind.SKIP) {
          skippedLines++;
        } else {
          String reason = fragment ? "rest of a line in a compacted region of the spool (synced before the hole was punched)"
              : info.reason();
          dead.add(new DeadLetter(now, "validation", reason, fileName, fileOffset + (pos - base), -1,
              Arrays.copyOfRange(b, pos, nl), false));
        }
        runStart = nl + 1;
      }
      pos = nl + 1;
      consumed = pos - base;
    }
    verbatim = rewritten == null;
    if (rewritten == null) {
      out = buf.slice(0, consumed);
    } else {
      out = flush(rewritten, b, runStart, base + consumed);
    }
  }

  private static Buffer flush(Buffer rewritten, byte[] b, int from, int to) {
    Buffer r = rewritten == null ? Buffer.buffer(Math.max(256, to - from + 256)) : rewritten;
    if (to > from) {
      r.appendBytes(b, from, to - from);
    }
    return r;
  }

  /** A dead letter for a line longer than the read size; only its first bytes are kept. */
  static DeadLetter oversized(Buffer buf, int keep, long fileOffset, String fileName, int limit, Instant now) {
    return new DeadLetter(now, "oversized", "line longer than spool.readChunkSize (" + limit + " bytes); the first "
        + keep + " bytes are kept here", fileName, fileOffset, -1, buf.getBytes(0, keep), true);
  }
}
