package io.outflux.batch;

/**
 * Whether the live lines pending are due because a backlog was just read to its end. While lines
 * come faster than the sync rule batches them (a backlog after an outage or a restart, a burst), batches
 * leave at the batch limits ({@code sync.maxBatchLines}, {@code sync.maxBatchSize}); once the tail has
 * read everything the spool holds, the last, partial batch of that backlog goes at once instead of
 * waiting for the next interval: its lines have waited in the spool already, and "caught up" should
 * mean synced. In the steady state (the rule's own batches, not the limits) nothing changes.
 *
 * <p>Pure; event-loop confined with the batcher.
 */
final class BacklogEnd {

  /** The last batch that left was at the batch limits: lines were coming faster than the rule batches them. */
  private boolean atLimits;
  private boolean due;

  /** A live batch left; {@code atLimits}: because it was full, not because the rule or a flush said so. */
  void sent(boolean atLimits) {
    this.atLimits = atLimits;
    this.due = false;
  }

  /** The live lane took a chunk; {@code atSpoolEnd}: nothing else was waiting in the spool when it was read. */
  void accepted(boolean atSpoolEnd) {
    if (atSpoolEnd && atLimits) {
      due = true;
    }
  }

  /** The pending lines are a backlog's last ones: send them now. */
  boolean due() {
    return due;
  }
}
