package io.outflux.batch;

import java.time.Duration;
import java.util.Optional;

/**
 * Time interval rule: what accumulated is sent at the end of every interval. A batch that reaches
 * the size limits leaves at once, like Telegraf's metric_batch_size, so catching up a large backlog
 * runs at full speed instead of one batch per interval.
 */
final class IntervalPolicy implements BatchPolicy {

  private final SyncConfig config;

  IntervalPolicy(SyncConfig config) {
    this.config = config;
  }

  @Override
  public boolean isDue(long pendingLines, long pendingBytes) {
    return pendingLines >= config.maxBatchLines() || pendingBytes >= config.maxBatchSize();
  }

  @Override
  public Optional<Duration> tick() {
    return Optional.of(config.interval());
  }
}
