package io.outflux.batch;

import io.outflux.protocol.BatchSpan;
import io.outflux.spool.Checkpoint;
import io.outflux.spool.SpoolChunk;
import io.outflux.spool.SpoolPosition;

/**
 * The batcher's lanes: the live one, and during a newest-first catch-up the history lane (the
 * backlog up to the boundary) until it is read and acknowledged, when the two merge again. Owns
 * what the checkpoint is made of while they are two. Event-loop confined (the batcher's).
 */
final class CatchUpLanes {

  /** The lines read from the spool's end on; during a catch-up, from the boundary on. */
  Lane live;
  /** During a newest-first catch-up: the backlog up to the boundary; null otherwise. */
  Lane history;
  SpoolPosition boundary;
  /** The history reader reached the boundary: once its lane is idle, the two segments merge. */
  private boolean historyRead;

  CatchUpLanes(SpoolPosition synced) {
    this.live = new Lane(synced);
  }

  /**
   * The tail split the spool: what the live lane holds so far (nothing at start) becomes the
   * history lane, which keeps the checkpoint's synced position; a new live lane starts at the live
   * position.
   *
   * @return false for the same split again (the tail asked twice): nothing changed
   */
  boolean split(Checkpoint.CatchUp catchUp) {
    if (history != null && catchUp.boundary().equals(boundary)) {
      return false;
    }
    live.name = BatchSpan.HISTORY; // its batches from now on are the backlog's, however the lane began
    history = live;
    live = new Lane(catchUp.live());
    boundary = catchUp.boundary();
    historyRead = false;
    return true;
  }

  /** The lane a chunk joins. */
  Lane of(SpoolChunk chunk) {
    return chunk.history() && history != null ? history : live;
  }

  /** The history reader reached the boundary. */
  void historyRead() {
    historyRead = true;
  }

  /** History lines leave in full batches (the reader fills them from disk at once), the last ones when all is read. */
  boolean historyDue(SyncConfig config) {
    return history != null && history.pendingLines > 0 && (history.isFull(config) || history.mustSend()
        || historyRead);
  }

  /**
   * History is acknowledged up to the boundary: the live lane's position is the checkpoint again.
   *
   * @return whether they merged now
   */
  boolean mergeIfDone() {
    if (history == null || !historyRead || !history.idle()) {
      return false;
    }
    history = null;
    historyRead = false;
    return true;
  }

  boolean catchingUp() {
    return history != null;
  }

  int historyInFlight() {
    return history == null ? 0 : history.acks.size();
  }

  int inFlight() {
    return live.acks.size() + historyInFlight();
  }

  int pendingLines() {
    return live.pendingLines + (history == null ? 0 : history.pendingLines);
  }

  int pendingBytes() {
    return live.pending.length() + (history == null ? 0 : history.pending.length());
  }

  /**
   * The durable checkpoint: one position, or during a catch-up the history lane's (before which
   * everything is stored, so compaction never goes further) with the boundary and the live lane's.
   */
  Checkpoint checkpoint(long lastAckedSeq) {
    return history == null ? new Checkpoint(live.synced, lastAckedSeq)
        : new Checkpoint(history.synced, lastAckedSeq, new Checkpoint.CatchUp(boundary, live.synced));
  }

  SpoolPosition checkpointSynced() {
    return history == null ? live.synced : history.synced;
  }
}
