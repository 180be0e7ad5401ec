package io.outflux.batch;

import io.outflux.config.ConfigReader;
import java.time.Duration;

/**
 * The sync rule and the batch limits that apply to every rule.
 *
 * @param rule when to send
 * @param interval for {@link SyncRule#INTERVAL}: how long lines accumulate before they are sent
 * @param maxBatchLines a batch is sent as soon as it holds this many lines, whatever the rule
 * @param maxBatchSize a batch is sent as soon as it holds this many bytes, whatever the rule
 * @param maxInFlight batches sent and not yet acknowledged; when reached, reading pauses
 */
public record SyncConfig(SyncRule rule, Duration interval, int maxBatchLines, long maxBatchSize, int maxInFlight) {

  public static final SyncRule DEFAULT_RULE = SyncRule.INTERVAL;
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);
  public static final int DEFAULT_MAX_BATCH_LINES = 5_000;
  public static final long DEFAULT_MAX_BATCH_SIZE = 4L << 20;
  public static final int DEFAULT_MAX_IN_FLIGHT = 4;

  public static SyncConfig from(ConfigReader r) {
    return new SyncConfig(
        r.enumValue("rule", SyncRule.class, DEFAULT_RULE),
        r.duration("interval", DEFAULT_INTERVAL, Duration.ofMillis(10), Duration.ofDays(1)),
        r.integer("maxBatchLines", DEFAULT_MAX_BATCH_LINES, 1, 1_000_000),
        // InfluxDB 1.x refuses bodies over 25,000,000 bytes: stay well below
        r.size("maxBatchSize", DEFAULT_MAX_BATCH_SIZE, 1024, 16L << 20),
        r.integer("maxInFlight", DEFAULT_MAX_IN_FLIGHT, 1, 64));
  }
}
