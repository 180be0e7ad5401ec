package io.outflux.batch;

import io.outflux.config.ConfigReader;
import io.outflux.spool.CatchUpOrder;
import java.time.Duration;

/**
 * The sync rule and the batch limits that apply to every rule.
 *
 * @param rule when to send
 * @param interval for {@link SyncRule#INTERVAL} and {@link SyncRule#INTERVAL_SIZE}: how long lines
 *     accumulate before they are sent
 * @param sizeLines for {@link SyncRule#SIZE} and {@link SyncRule#INTERVAL_SIZE}: send once this many
 *     lines are waiting
 * @param sizeBytes likewise in bytes
 * @param maxBatchLines a batch is sent as soon as it holds this many lines, whatever the rule
 * @param maxBatchSize a batch is sent as soon as it holds this many bytes, whatever the rule
 * @param maxInFlight batches sent and not yet acknowledged; when reached, reading pauses
 * @param catchUp the order in which a backlog of at least {@code catchUpThreshold} bytes at start is synced
 * @param catchUpThreshold unsynced spool bytes at start from which {@code catchUp} newest-first splits the spool
 * @param serverBodyLimit the servers' {@code http.maxBodySize} as the operator declares it (default: the
 *     server's default): {@code maxBatchSize} must fit under it
 */
public record SyncConfig(SyncRule rule, Duration interval, int sizeLines, long sizeBytes, int maxBatchLines,
                         long maxBatchSize, int maxInFlight, CatchUpOrder catchUp, long catchUpThreshold,
                         long serverBodyLimit) {

  public static final SyncRule DEFAULT_RULE = SyncRule.INTERVAL;
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);
  public static final int DEFAULT_SIZE_LINES = 1_000;
  public static final long DEFAULT_SIZE_BYTES = 256L << 10;
  // 10,000 lines (~1.8 MB of Telegraf lines) reach ~90% of direct writes into InfluxDB 1.6 (bench/e2e-sync.sh);
  // 5,000 reached ~83%
  public static final int DEFAULT_MAX_BATCH_LINES = 10_000;
  public static final long DEFAULT_MAX_BATCH_SIZE = 4L << 20;
  public static final long DEFAULT_SERVER_BODY_LIMIT = io.outflux.server.FrontConfig.DEFAULT_MAX_BODY_SIZE;
  // 8 batches in flight: 86-95% of direct writes in bench/e2e-sync.sh (mean 90%), 4: 82-88%; a
  // window of several batches also keeps a high-latency link (LTE, satellite) busy
  public static final int DEFAULT_MAX_IN_FLIGHT = 8;
  public static final CatchUpOrder DEFAULT_CATCH_UP = CatchUpOrder.OLDEST_FIRST;
  // about 360,000 Telegraf lines: below that, oldest first catches up within seconds anyway
  public static final long DEFAULT_CATCH_UP_THRESHOLD = 64L << 20;

  public static SyncConfig from(ConfigReader r) {
    SyncRule rule = r.enumValue("rule", SyncRule.class, DEFAULT_RULE);
    Duration interval = r.duration("interval", DEFAULT_INTERVAL, Duration.ofMillis(10), Duration.ofDays(1));
    int maxBatchLines = r.integer("maxBatchLines", DEFAULT_MAX_BATCH_LINES, 1, 1_000_000);
    // the server splits bodies for InfluxDB (1.x refuses over 25,000,000 bytes); its own limit is
    // http.maxBodySize (default 24 MB): a batch over it is refused (413), so validation refuses it
    // here unless sync.serverBodyLimit says the servers were configured to take more
    long serverBodyLimit = r.size("serverBodyLimit", DEFAULT_SERVER_BODY_LIMIT, 1024, 1L << 30);
    long maxBatchSize = r.size("maxBatchSize", Math.min(DEFAULT_MAX_BATCH_SIZE, serverBodyLimit), 1024, 1L << 30);
    if (maxBatchSize > serverBodyLimit) {
      throw r.error("maxBatchSize", maxBatchSize + " bytes does not fit under the servers' http.maxBodySize ("
          + serverBodyLimit + " bytes" + (r.has("serverBodyLimit") ? ", sync.serverBodyLimit" : ", their default")
          + "): every batch that large would be refused; lower it, or raise http.maxBodySize on the servers and "
          + "say so with sync.serverBodyLimit");
    }
    int sizeLines = r.integer("sizeLines", Math.min(DEFAULT_SIZE_LINES, maxBatchLines), 1, 1_000_000);
    if (sizeLines > maxBatchLines) {
      throw r.error("sizeLines", sizeLines + " is larger than sync.maxBatchLines (" + maxBatchLines + ")");
    }
    long sizeBytes = r.size("sizeBytes", Math.min(DEFAULT_SIZE_BYTES, maxBatchSize), 1, 16L << 20);
    if (sizeBytes > maxBatchSize) {
      throw r.error("sizeBytes", sizeBytes + " bytes is larger than sync.maxBatchSize (" + maxBatchSize + " bytes)");
    }
    return new SyncConfig(rule, interval, sizeLines, sizeBytes, maxBatchLines, maxBatchSize,
        r.integer("maxInFlight", DEFAULT_MAX_IN_FLIGHT, 1, io.outflux.protocol.WireProtocol.MAX_IN_FLIGHT),
        r.enumValue("catchUp", CatchUpOrder.class, DEFAULT_CATCH_UP),
        r.size("catchUpThreshold", DEFAULT_CATCH_UP_THRESHOLD, 0, 1L << 50), serverBodyLimit);
  }
}
