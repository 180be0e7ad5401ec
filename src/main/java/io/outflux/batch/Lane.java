package io.outflux.batch;

import io.outflux.spool.FileId;
import io.outflux.spool.SpoolChunk;
import io.outflux.spool.SpoolPosition;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import java.util.HashSet;
import java.util.Set;

/**
 * One segment of the spool on its way to the server: the lines waiting for the next batch, a chunk
 * held back while they are a full batch (the tail's backpressure), the batches in flight and their
 * contiguous acknowledged prefix. There is one lane, the live one; a newest-first catch-up adds a
 * history lane until the backlog is acknowledged up to the boundary. Event-loop confined.
 */
final class Lane {

  final AckTracker acks = new AckTracker();
  Buffer pending = Buffer.buffer();
  int pendingLines;
  SpoolPosition pendingStart;
  SpoolPosition pendingEnd;
  /** Spool files of the pending lines (a flush checks which files acks moved past). */
  Set<FileId> pendingFiles = new HashSet<>();
  Message<SpoolChunk> held;
  /** The last chunk taken: the tail may ask again with it when the answer crossed its timeout (taken once). */
  SpoolChunk lastTaken;
  /**
   * The rest of a chunk too large for one batch: it becomes the pending lines once the head is sent.
   * Its end is the chunk's end; the parts before it carry none (see {@link AckTracker}).
   */
  SpoolChunk overflow;
  /** Everything of this segment up to here is acknowledged. */
  SpoolPosition synced;
  /** The spool range of the pending lines: the next batch's identity. */
  final PendingSpan span = new PendingSpan();
  /** {@code live} or {@code history}, as the server's position ledger knows the lane. */
  String name;

  Lane(SpoolPosition synced) {
    this(synced, io.outflux.protocol.BatchSpan.LIVE);
  }

  Lane(SpoolPosition synced, String name) {
    this.synced = synced;
    this.name = name;
  }

  boolean isFull(SyncConfig config) {
    return overflow != null || pendingLines >= config.maxBatchLines() || pending.length() >= config.maxBatchSize();
  }

  /** Whether {@code chunk} can join the pending lines without the batch going over a limit (an empty batch takes any). */
  boolean fits(SpoolChunk chunk, SyncConfig config) {
    return pendingLines == 0 || (pendingLines + (long) chunk.lineCount() <= config.maxBatchLines()
        && pending.length() + (long) chunk.bytes() <= config.maxBatchSize() && span.continues(chunk));
  }

  /**
   * The tail asked again with a chunk this lane holds (the newer request gets the answer) or took
   * already (answered at once: the answer crossed the tail's asking again); false for a new chunk.
   * The tail resends the very same chunk object, so identity tells a resend from new lines.
   */
  boolean askedAgain(Message<SpoolChunk> msg) {
    if (held != null && held.body() == msg.body()) {
      held = msg;
      return true;
    }
    if (lastTaken == msg.body()) {
      msg.reply(null);
      return true;
    }
    return false;
  }

  /** The pending lines must leave now: a chunk waits behind them, or the rest of a split chunk. */
  boolean mustSend() {
    return held != null || overflow != null;
  }

  /**
   * Adds a chunk that {@link #fits}. A chunk larger than a batch's limits (only an empty batch takes
   * one) is split: the head that fits is pending, the rest waits in {@link #overflow}.
   */
  /** Takes a chunk the tail handed over ({@link #add}), remembering it in case the tail asks again. */
  void take(SpoolChunk chunk, SyncConfig config) {
    lastTaken = chunk;
    add(chunk, config);
  }

  void add(SpoolChunk chunk, SyncConfig config) {
    if (chunk.lineCount() > config.maxBatchLines() || chunk.bytes() > config.maxBatchSize()) {
      LineCut.Cut cut = LineCut.head(chunk.lines(), config.maxBatchLines(), config.maxBatchSize());
      if (cut.bytes() < chunk.bytes()) {
        // a verbatim chunk's bytes are the file's: the rest starts cut.bytes() further in the file
        SpoolPosition restStart = chunk.verbatim() ? new SpoolPosition(chunk.start().file(), chunk.start().name(),
            chunk.start().offset() + cut.bytes(), "") : chunk.start();
        overflow = new SpoolChunk(restStart, chunk.end(), chunk.lines().slice(cut.bytes(), chunk.bytes()),
            chunk.lineCount() - cut.lines(), chunk.history(), chunk.verbatim() ? chunk.fileKey() : null,
            chunk.verbatim(), chunk.atSpoolEnd());
        add(new SpoolChunk(chunk.start(), null, chunk.lines().slice(0, cut.bytes()), cut.lines(), chunk.history(),
            chunk.fileKey(), chunk.verbatim()));
        return;
      }
    }
    add(chunk);
  }

  /** Makes the rest of a split chunk the pending lines (splitting it again if needed); false if there is none. */
  boolean takeOverflow(SyncConfig config) {
    if (overflow == null) {
      return false;
    }
    SpoolChunk rest = overflow;
    overflow = null;
    add(rest, config);
    return true;
  }

  private void add(SpoolChunk chunk) {
    if (pendingLines == 0) {
      pendingStart = chunk.start();
    }
    pendingFiles.add(chunk.start().file());
    if (chunk.end() != null) {
      pendingFiles.add(chunk.end().file());
    }
    long from = chunk.start().offset();
    long to = chunk.end() != null ? chunk.end().offset() : chunk.verbatim() ? from + chunk.bytes() : -1;
    span.add(chunk.fileKey(), from, to, chunk.verbatim());
    pending.appendBuffer(chunk.lines());
    pendingLines += chunk.lineCount();
    pendingEnd = chunk.end();
  }

  /** Nothing pending, held or in flight. */
  boolean idle() {
    return pendingLines == 0 && held == null && overflow == null && acks.size() == 0;
  }

  void clearPending() {
    pending = Buffer.buffer();
    pendingLines = 0;
    span.clear();
    pendingFiles = new HashSet<>();
  }
}
