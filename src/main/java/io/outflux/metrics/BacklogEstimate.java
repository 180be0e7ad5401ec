package io.outflux.metrics;

/**
 * The whole backlog in lines. The client counts lines only once it has read them (the in-flight
 * window caps that), while the unacknowledged bytes cover the whole spool: the lines not read yet
 * are estimated from the bytes per line seen so far, and said to be estimated.
 *
 * @param lines read lines plus, where bytes are unread, the estimate for them
 * @param readLines lines read and not yet acknowledged (counted exactly)
 * @param estimated whether part of {@code lines} is an estimate
 */
public record BacklogEstimate(long lines, long readLines, boolean estimated) {

  /**
   * @param readBytes bytes of the read, unacknowledged lines
   * @param totalBytes unacknowledged spool bytes, read or not
   * @param ackedLines lines acknowledged so far, with {@code ackedBytes}: the bytes per line when nothing is read
   */
  public static BacklogEstimate of(long readLines, long readBytes, long totalBytes, long ackedLines, long ackedBytes) {
    long unread = Math.max(0, totalBytes - readBytes);
    if (unread == 0) {
      return new BacklogEstimate(readLines, readLines, false);
    }
    double perLine = readLines > 0 && readBytes > 0 ? (double) readBytes / readLines
        : ackedLines > 0 && ackedBytes > 0 ? (double) ackedBytes / ackedLines : 0;
    long more = perLine > 0 ? Math.round(unread / perLine) : 0;
    return new BacklogEstimate(readLines + more, readLines, true);
  }

  /** {@code 12,345 lines}, or {@code about 412,000 lines} when estimated. */
  public String lineCount() {
    return (estimated ? "about " : "") + Human.count(lines) + " lines";
  }

  /** {@code ""}, or {@code " (90,000 read, the rest estimated)"}. */
  public String note() {
    return estimated ? " (" + Human.count(readLines) + " read, the rest estimated)" : "";
  }
}
