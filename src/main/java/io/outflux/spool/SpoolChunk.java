package io.outflux.spool;

import io.vertx.core.buffer.Buffer;

/**
 * Complete lines read from the spool, each ending with '\n', covering the bytes from {@code start}
 * up to {@code end}. Sent by the tail to the batcher, which replies once it has room for more: that
 * reply is the tail's backpressure.
 *
 * @param history read by the history segment of a newest-first catch-up; a history chunk without
 *     lines says that the history segment reached its boundary
 * @param fileKey the file's identity for the server ({@link SpoolFileKey}: device, inode, first line);
 *     null when unknown (the batch then carries no span)
 * @param verbatim {@code lines} are the file's bytes from {@code start} to {@code end} unchanged
 * @param atSpoolEnd the read took every complete line the active file held then: nothing else was
 *     waiting in the spool (the batcher sends a backlog's last lines at once, {@link io.outflux.batch.BacklogEnd})
 */
public record SpoolChunk(SpoolPosition start, SpoolPosition end, Buffer lines, int lineCount, boolean history,
                         String fileKey, boolean verbatim, boolean atSpoolEnd) {

  public SpoolChunk(SpoolPosition start, SpoolPosition end, Buffer lines, int lineCount, boolean history,
                    String fileKey, boolean verbatim) {
    this(start, end, lines, lineCount, history, fileKey, verbatim, false);
  }

  public SpoolChunk(SpoolPosition start, SpoolPosition end, Buffer lines, int lineCount) {
    this(start, end, lines, lineCount, false);
  }

  public SpoolChunk(SpoolPosition start, SpoolPosition end, Buffer lines, int lineCount, boolean history) {
    this(start, end, lines, lineCount, history, null, false);
  }

  public int bytes() {
    return lines.length();
  }
}
