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
  /** Everything of this segment up to here is acknowledged. */
  SpoolPosition synced;

  Lane(SpoolPosition synced) {
    this.synced = synced;
  }

  boolean isFull(SyncConfig config) {
    return pendingLines >= config.maxBatchLines() || pending.length() >= config.maxBatchSize();
  }

  void add(SpoolChunk chunk) {
    if (pendingLines == 0) {
      pendingStart = chunk.start();
    }
    pendingFiles.add(chunk.start().file());
    pendingFiles.add(chunk.end().file());
    pending.appendBuffer(chunk.lines());
    pendingLines += chunk.lineCount();
    pendingEnd = chunk.end();
  }

  /** Nothing pending, held or in flight. */
  boolean idle() {
    return pendingLines == 0 && held == null && acks.size() == 0;
  }

  void clearPending() {
    pending = Buffer.buffer();
    pendingLines = 0;
    pendingFiles = new HashSet<>();
  }
}
