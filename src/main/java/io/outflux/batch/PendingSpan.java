package io.outflux.batch;

import io.outflux.protocol.BatchSpan;
import io.outflux.spool.SpoolChunk;

/**
 * The spool range of the lines pending for a lane's next batch, which becomes the batch's identity
 * on the wire ({@link BatchSpan}): one file, contiguous, and whether every line is the file's bytes
 * unchanged. Lines from another file or after a gap start the next batch ({@link #continues}), so
 * a batch keeps its span through Telegraf's rotation. Pure; event-loop confined with its lane.
 */
final class PendingSpan {

  private boolean empty = true;
  private boolean known;
  private String file;
  private long from;
  private long to;
  private boolean verbatim;

  /**
   * Adds lines covering {@code [from, to)} of {@code file} ({@code to} -1: not known, e.g. the head
   * of a rewritten chunk cut in two; the batch then carries no span).
   */
  void add(String file, long from, long to, boolean verbatim) {
    boolean fits = file != null && from >= 0 && to > from;
    if (empty) {
      empty = false;
      known = fits;
      this.file = file;
      this.from = from;
      this.verbatim = verbatim;
    } else {
      known = known && fits && file.equals(this.file) && from == this.to;
      this.verbatim = this.verbatim && verbatim;
    }
    this.to = to;
  }

  /** Whether lines from {@code chunk} would keep the span one contiguous range of one file. */
  boolean continues(SpoolChunk chunk) {
    return empty || !known || (chunk.fileKey() != null && chunk.fileKey().equals(file)
        && chunk.start().offset() == to);
  }

  /** The span of the pending lines, or null when they have none. */
  BatchSpan span(String lane) {
    return empty || !known ? null : new BatchSpan(lane, file, from, to, verbatim);
  }

  void clear() {
    empty = true;
    known = false;
    file = null;
  }
}
