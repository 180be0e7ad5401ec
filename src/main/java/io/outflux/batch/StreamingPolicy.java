package io.outflux.batch;

import java.time.Duration;
import java.util.Optional;

/**
 * Streaming rule: every chunk the tail hands over is due at once. Under load the chunks coalesce by
 * themselves: the tail hands over everything appended since its last poll as one chunk, and while
 * the in-flight window is full the lines wait in one pending batch that leaves with the next ack.
 */
final class StreamingPolicy implements BatchPolicy {

  @Override
  public boolean isDue(long pendingLines, long pendingBytes) {
    return pendingLines > 0;
  }

  @Override
  public Optional<Duration> tick() {
    return Optional.empty();
  }
}
