package io.outflux.spool;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Persists acked checkpoints on a worker thread. Acks can arrive faster than fsyncs complete, so
 * only the newest pending checkpoint is written next: the file only ever moves forward.
 */
final class CheckpointWriter {

  private static final Logger log = LoggerFactory.getLogger(CheckpointWriter.class);

  private final CheckpointStore store;
  private Vertx vertx;
  private Checkpoint written;
  private Checkpoint pending;
  private boolean saving;
  private Promise<Void> drained;
  private final RateLimitedLog warnings = RateLimitedLog.systemClock();
  /** Why the last save failed; null once one succeeded. Read by the status (any thread). */
  private volatile String problem;
  private long failures;
  private java.util.function.Supplier<Future<Void>> beforeSave = Future::succeededFuture;
  private java.util.function.BiConsumer<Checkpoint, Checkpoint> afterSave = (c, safe) -> { };
  private java.util.function.UnaryOperator<Checkpoint> stamp = c -> c;

  private final io.outflux.client.ClientMeters meters;

  CheckpointWriter(CheckpointStore store, Checkpoint initial, io.outflux.client.ClientMeters meters) {
    this.meters = meters;
    this.store = store;
    this.written = initial;
  }

  /**
   * @param beforeSave runs on the caller's context before each save, which waits for it (the dead-letter
   *     file is forced then, so a checkpoint never passes a line that is neither in the spool nor
   *     quarantined); a failure fails the save
   * @param afterSave runs on the caller's context once a checkpoint is on disk, with it and the checkpoint
   *     both slots cover (compaction must not go past that one: a damaged newest slot falls back to the older)
   */
  void attach(Vertx vertx, java.util.function.Supplier<Future<Void>> beforeSave,
      java.util.function.BiConsumer<Checkpoint, Checkpoint> afterSave) {
    attach(vertx, beforeSave, afterSave, c -> c);
  }

  /** @param stamp runs on the caller's context before each save: adds what the tail saw of the synced file */
  void attach(Vertx vertx, java.util.function.Supplier<Future<Void>> beforeSave,
      java.util.function.BiConsumer<Checkpoint, Checkpoint> afterSave, java.util.function.UnaryOperator<Checkpoint> stamp) {
    this.stamp = stamp;
    this.vertx = vertx;
    this.beforeSave = beforeSave;
    this.afterSave = afterSave;
  }

  Checkpoint written() {
    return written;
  }

  /** Why checkpoints cannot be written now (the reason of the last failure), if they cannot. */
  String problem() {
    return problem;
  }

  void offer(Checkpoint checkpoint) {
    if (checkpoint.lastAckedSeq() < written.lastAckedSeq()) {
      return;
    }
    pending = checkpoint;
    if (!saving) {
      saveNext();
    }
  }

  /**
   * Saves the written checkpoint again when the tail has seen more of its file since (while nothing is
   * acknowledged, e.g. the server is down), so a file deleted meanwhile has its loss counted exactly.
   */
  void refreshSeen() {
    if (vertx == null || saving || pending != null || written.synced().file().equals(FileId.UNKNOWN)) {
      return;
    }
    if (stamp.apply(written).seenSize() != written.seenSize()) {
      offer(written);
    }
  }

  /** Completes once everything offered so far is on disk. */
  Future<Void> drain() {
    if (!saving && pending == null) {
      return Future.succeededFuture();
    }
    if (drained == null) {
      drained = Promise.promise();
    }
    return drained.future();
  }

  private static boolean samePosition(Checkpoint a, Checkpoint b) {
    return a.synced().equals(b.synced()) && a.lastAckedSeq() == b.lastAckedSeq()
        && java.util.Objects.equals(a.catchUp(), b.catchUp());
  }

  private void failed(Throwable cause) {
    String reason = cause.getMessage() == null ? cause.toString() : cause.getMessage();
    problem = "checkpoints cannot be written: " + reason;
    failures++;
    meters.checkpointWriteFailures.increment();
    meters.checkpointFailing(true);
    long held = warnings.admit("write");
    if (held >= 0) {
      log.error("could not write checkpoint {}: {}; nothing is removed from the spool until a write succeeds, and "
          + "what was acknowledged since the last good one is re-sent after a restart{}", store.file(), reason,
          warnings.suffix(held));
    }
  }

  private void saveNext() {
    Checkpoint next = stamp.apply(pending);
    pending = null;
    saving = true;
    beforeSave.get().compose(v -> vertx.executeBlocking(() -> {
      store.save(next);
      return next;
    }, true)).onComplete(ar -> {
      saving = false;
      if (ar.succeeded()) {
        Checkpoint safe = written;
        written = next;
        if (problem != null) {
          log.info("checkpoint {} written again after {} failed attempts", store.file(), failures);
          problem = null;
          failures = 0;
          warnings.clear("write");
          meters.checkpointFailing(false);
        }
        afterSave.accept(next, safe);
        if (pending == null && drained == null && !samePosition(safe, next)) {
          pending = next; // once idle, both slots get the newest, so compaction can catch up with it
        }
      } else {
        failed(ar.cause());
        if (drained != null) {
          // stopping: give up rather than retry forever (a vanished directory would block shutdown);
          // the old checkpoint stays valid and the lines after it are sent again after a restart
          drained.tryComplete();
          return;
        }
        if (pending == null) {
          pending = next;
          vertx.setTimer(1000, id -> {
            if (!saving && pending != null) {
              saveNext();
            }
          });
          return;
        }
      }
      if (pending != null) {
        saveNext();
      } else if (drained != null) {
        drained.tryComplete();
      }
    });
  }
}
