package io.outflux.batch;

import java.time.Duration;
import java.util.Optional;

/**
 * Decides when pending lines become a batch. The batcher owns buffering, windows and acks; a policy
 * only answers "now?" so that each sync rule is a few lines.
 */
public interface BatchPolicy {

  /** True when the pending lines must be sent now, without waiting for a timer. */
  boolean isDue(long pendingLines, long pendingBytes);

  /** The period of the policy's timer, if it has one: at each tick all pending lines are sent. */
  Optional<Duration> tick();

  static BatchPolicy of(SyncConfig config) {
    return switch (config.rule()) {
      case INTERVAL -> new IntervalPolicy(config);
    };
  }
}
