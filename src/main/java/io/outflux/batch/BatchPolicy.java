package io.outflux.batch;

import java.time.Duration;
import java.util.Optional;

/**
 * Decides when pending lines become a batch. The batcher owns buffering, windows, acks and flushes;
 * a policy only answers "now?" so that each sync rule is a few lines. Whatever the policy says, a
 * batch leaves as soon as it reaches {@code sync.maxBatchLines} or {@code sync.maxBatchSize}, and
 * everything pending leaves while a flush is running.
 */
public interface BatchPolicy {

  /** True when the pending lines must be sent now, without waiting for a timer. */
  boolean isDue(long pendingLines, long pendingBytes);

  /** The period of the policy's timer, if it has one: at each tick all pending lines are sent. */
  Optional<Duration> tick();

  static BatchPolicy of(SyncConfig config) {
    SyncRule rule = config.rule();
    if (rule == SyncRule.STREAMING) {
      return new StreamingPolicy();
    }
    if (rule == SyncRule.SIZE) {
      return new SizePolicy(config, false);
    }
    if (rule == SyncRule.INTERVAL_SIZE) {
      return new SizePolicy(config, true);
    }
    return new IntervalPolicy(config);
  }
}
