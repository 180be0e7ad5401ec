package io.outflux.batch;

import java.time.Duration;
import java.util.Optional;

/**
 * Size rule: a batch leaves as soon as {@code sync.sizeLines} lines or {@code sync.sizeBytes} bytes
 * are waiting, and not before (a flush aside). Combined with the interval rule, the interval's
 * timer also sends whatever is waiting: whichever comes first.
 */
final class SizePolicy implements BatchPolicy {

  private final SyncConfig config;
  private final boolean withInterval;

  SizePolicy(SyncConfig config, boolean withInterval) {
    this.config = config;
    this.withInterval = withInterval;
  }

  @Override
  public boolean isDue(long pendingLines, long pendingBytes) {
    return pendingLines >= config.sizeLines() || pendingBytes >= config.sizeBytes()
        || pendingLines >= config.maxBatchLines() || pendingBytes >= config.maxBatchSize();
  }

  @Override
  public Optional<Duration> tick() {
    return withInterval ? Optional.of(config.interval()) : Optional.empty();
  }
}
