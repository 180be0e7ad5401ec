package io.outflux.protocol;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A batch's identity in wire version 2 ({@link WireProtocol#HEADER_SPAN}): the spool bytes it covers,
 * {@code [from, to)} of one spool file, in one lane of the client. The same client, lane, file and
 * range always name the same lines, across restarts and re-cut batches: the lines are what the spool
 * holds there (stamps of lines without a timestamp come from the client's stamp journal, which keeps
 * them per file offset), whatever the sequence number.
 *
 * <p>Encoded as {@code v=2;lane=live;file=2049.131075.1f2e3d4c;from=0;to=180000;verbatim}.
 *
 * @param lane {@code live} or {@code history} (a newest-first catch-up's backlog)
 * @param file the file: device, inode and a checksum of its first line (an inode reused by a new file,
 *     or a file truncated and written again, is another file)
 * @param verbatim the payload is exactly the spool's bytes {@code [from, to)} (nothing stamped, no
 *     CRLF, no line left out): the server can then cut it at any line boundary by offset
 */
public record BatchSpan(String lane, String file, long from, long to, boolean verbatim) {

  public static final int VERSION = 2;
  public static final String LIVE = "live";
  public static final String HISTORY = "history";
  private static final Pattern FILE = Pattern.compile("[0-9a-f.-]{1,80}");

  public BatchSpan {
    if (!lane.equals(LIVE) && !lane.equals(HISTORY)) {
      throw new IllegalArgumentException("lane must be live or history: " + lane);
    }
    if (!FILE.matcher(file).matches()) {
      throw new IllegalArgumentException("file must be 1-80 of [0-9a-f.-]: " + file);
    }
    if (from < 0 || to <= from) {
      throw new IllegalArgumentException("span must be a non-empty range: " + from + "-" + to);
    }
  }

  public long length() {
    return to - from;
  }

  public String encode() {
    return "v=" + VERSION + ";lane=" + lane + ";file=" + file + ";from=" + from + ";to=" + to
        + (verbatim ? ";verbatim" : "");
  }

  /**
   * The span a header names; empty when absent or unreadable (the batch then goes the way of a
   * version 1 batch: identified by its sequence number and content) or of a later version.
   */
  public static Optional<BatchSpan> parse(String header) {
    if (header == null || header.isBlank() || header.length() > 256) {
      return Optional.empty();
    }
    String lane = null;
    String file = null;
    long from = -1;
    long to = -1;
    boolean verbatim = false;
    boolean v2 = false;
    try {
      for (String part : header.split(";")) {
        String p = part.trim();
        int eq = p.indexOf('=');
        String key = eq < 0 ? p : p.substring(0, eq);
        String value = eq < 0 ? "" : p.substring(eq + 1);
        switch (key) {
          case "v" -> v2 = value.equals(Integer.toString(VERSION));
          case "lane" -> lane = value;
          case "file" -> file = value;
          case "from" -> from = Long.parseLong(value);
          case "to" -> to = Long.parseLong(value);
          case "verbatim" -> verbatim = true;
          default -> {
            // a later minor addition: ignored
          }
        }
      }
      if (!v2 || lane == null || file == null) {
        return Optional.empty();
      }
      return Optional.of(new BatchSpan(lane, file, from, to, verbatim));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
