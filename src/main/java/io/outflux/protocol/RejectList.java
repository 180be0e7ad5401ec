package io.outflux.protocol;

import io.outflux.protocol.BatchReply.RejectedLine;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Refused lines of one batch, bounded: at most {@link BatchReply#MAX_LISTED} are kept with their
 * text (each cut at {@link #ECHO_LIMIT} bytes, all together at most {@link BatchReply#MAX_ECHO_BYTES})
 * and their reason; the rest are only counted. A body of a million bad lines thus costs a counter,
 * not a million records. Lines are listed in the order they were added.
 */
public final class RejectList {

  /** Longest text of one refused line echoed back; the client has the full line in its batch. */
  public static final int ECHO_LIMIT = 4096;
  /** Longest reason kept (InfluxDB's texts echo the line, too). */
  static final int REASON_LIMIT = 1024;

  private final List<RejectedLine> listed = new ArrayList<>(0);
  private long unlisted;
  private long echoed;

  /** A refused line given as bytes {@code b[from, to)}. */
  public void add(byte[] b, int from, int to, String reason) {
    if (!hasRoom(Math.min(to - from, ECHO_LIMIT))) {
      return;
    }
    listed.add(new RejectedLine(echo(b, from, to, ECHO_LIMIT), cut(reason, REASON_LIMIT)));
  }

  /** The text of {@code b[from, to)}, cut at {@code max} bytes. */
  public static String echo(byte[] b, int from, int to, int max) {
    return to - from <= max
        ? new String(b, from, to - from, StandardCharsets.UTF_8)
        : new String(b, from, max, StandardCharsets.UTF_8) + "... (" + (to - from) + " bytes)";
  }

  public void add(RejectedLine line) {
    if (!hasRoom(Math.min(line.line().length(), ECHO_LIMIT))) {
      return;
    }
    listed.add(new RejectedLine(cut(line.line(), ECHO_LIMIT), cut(line.reason(), REASON_LIMIT)));
  }

  /** Whether another refused line would still be listed (if not, {@link #addUnlisted} saves building its reason). */
  public boolean listsMore() {
    return unlisted == 0 && listed.size() < BatchReply.MAX_LISTED && echoed < BatchReply.MAX_ECHO_BYTES;
  }

  /** Refused lines known only by number. */
  public void addUnlisted(long count) {
    unlisted += count;
  }

  private boolean hasRoom(int echo) {
    if (listed.size() >= BatchReply.MAX_LISTED || unlisted > 0 || echoed + echo > BatchReply.MAX_ECHO_BYTES) {
      unlisted++; // once one line is not listed, none after it is: the client relies on the order
      return false;
    }
    echoed += echo;
    return true;
  }

  public List<RejectedLine> listed() {
    return List.copyOf(listed);
  }

  public long unlisted() {
    return unlisted;
  }

  public long total() {
    return listed.size() + unlisted;
  }

  public boolean isEmpty() {
    return total() == 0;
  }

  private static String cut(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "... (" + s.length() + " chars)";
  }
}
