package io.outflux.spool;

import io.outflux.client.ClientBus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.function.BooleanSupplier;

/**
 * A newest-first catch-up that starts while the client runs (after a server outage, the backlog that
 * built up while the window was full): {@link #check} looks now and then whether the backlog after
 * the live read position reached the threshold; the live reader is then split at its next step
 * ({@link #due}, {@link #split}). Event-loop confined; the looks run on the worker queue.
 */
final class CatchUpSplit {

  private final Vertx vertx;
  private final SpoolFiles files;
  private final long threshold;
  private final BooleanSupplier stopped;
  private boolean splitDue;
  private boolean checking;

  CatchUpSplit(Vertx vertx, SpoolFiles files, long threshold, BooleanSupplier stopped) {
    this.vertx = vertx;
    this.files = files;
    this.threshold = threshold;
    this.stopped = stopped;
  }

  /** Notes a backlog past the threshold after {@code live}'s read position (none while a catch-up runs). */
  void check(SpoolReader live, boolean catchingUp) {
    SpoolPosition read = live == null ? null : live.readPosition();
    if (stopped.getAsBoolean() || catchingUp || splitDue || checking || read == null) {
      return;
    }
    checking = true;
    vertx.executeBlocking(() -> CatchUpPlan.backlogAfter(files, read), true).onComplete(ar -> {
      checking = false;
      splitDue = ar.succeeded() && ar.result() >= threshold;
    });
  }

  /** Whether the live reader is to be split before its next step (once: the split is then under way). */
  boolean due() {
    boolean due = splitDue;
    splitDue = false;
    return due;
  }

  /**
   * Between two steps of {@code reader} (nothing of it is held by the batcher): the segments, up to
   * the spool's end now and from there, announced to the batcher (what it holds of the reader, pending
   * or in flight, becomes the history lane). Null: no split (between files, or the backlog is smaller now).
   */
  Future<CatchUpPlan.Segments> split(SpoolReader reader) {
    SpoolPosition read = reader.readPosition();
    if (read == null) {
      return Future.succeededFuture(null);
    }
    return vertx.executeBlocking(() -> CatchUpPlan.splitWhileRunning(files, read, threshold), true)
        .compose(s -> s == null ? Future.<CatchUpPlan.Segments>succeededFuture(null)
            : CatchUpAnnouncement.announce(vertx, new Checkpoint.CatchUp(s.boundary(), s.live()),
                ClientBus.CATCH_UP_WAIT, stopped).map(s));
  }
}
