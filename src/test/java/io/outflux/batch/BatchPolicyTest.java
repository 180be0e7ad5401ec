package io.outflux.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.config.ConfigException;
import io.outflux.config.ConfigReader;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BatchPolicyTest {

  private static SyncConfig sync(String json) {
    ConfigReader root = ConfigReader.root(new JsonObject().put("sync", new JsonObject(json)), "conf/x.json", "client",
        Map.of());
    SyncConfig config = SyncConfig.from(root.section("sync"));
    root.rejectUnknownKeys();
    return config;
  }

  @Test
  void streamingSendsAnyLineAtOnceAndHasNoTimer() {
    BatchPolicy p = BatchPolicy.of(sync("{\"rule\":\"streaming\"}"));
    assertTrue(p.isDue(1, 20));
    assertFalse(p.isDue(0, 0));
    assertEquals(Optional.empty(), p.tick());
  }

  @Test
  void intervalWaitsForItsTickUnlessABatchIsFull() {
    BatchPolicy p = BatchPolicy.of(sync("{\"rule\":\"interval\",\"interval\":\"2s\",\"maxBatchLines\":100}"));
    assertFalse(p.isDue(99, 10_000));
    assertTrue(p.isDue(100, 10_000), "a full batch leaves at once, so a backlog catches up at full speed");
    assertEquals(Optional.of(Duration.ofSeconds(2)), p.tick());
  }

  @Test
  void sizeIsDueExactlyWhenLinesOrBytesReachTheThreshold() {
    BatchPolicy p = BatchPolicy.of(sync("{\"rule\":\"size\",\"sizeLines\":100,\"sizeBytes\":\"8KiB\"}"));
    assertFalse(p.isDue(99, 8191));
    assertTrue(p.isDue(100, 10), "lines threshold");
    assertTrue(p.isDue(1, 8192), "bytes threshold");
    assertEquals(Optional.empty(), p.tick(), "the size rule alone never sends on a timer");
  }

  @Test
  void intervalSizeHasBothTheThresholdAndTheTimer() {
    BatchPolicy p = BatchPolicy.of(sync("{\"rule\":\"interval-size\",\"interval\":\"3s\",\"sizeLines\":10}"));
    assertFalse(p.isDue(9, 100));
    assertTrue(p.isDue(10, 100));
    assertEquals(Optional.of(Duration.ofSeconds(3)), p.tick());
  }

  @Test
  void ruleNamesAcceptDashesAndUnderscores() {
    assertEquals(SyncRule.INTERVAL_SIZE, sync("{\"rule\":\"interval_size\"}").rule());
    assertEquals("interval-size", SyncRule.INTERVAL_SIZE.configName());
  }

  @Test
  void aSizeThresholdAboveTheBatchLimitIsAConfigErrorNamingTheKey() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> sync("{\"rule\":\"size\",\"sizeLines\":6000,\"maxBatchLines\":5000}"));
    assertEquals("sync.sizeLines", e.key());
    ConfigException bytes = assertThrows(ConfigException.class,
        () -> sync("{\"sizeBytes\":\"8MiB\",\"maxBatchSize\":\"4MiB\"}"));
    assertEquals("sync.sizeBytes", bytes.key());
  }

  @Test
  void ackTrackerCountsTheLinesOfTheAcknowledgedPrefix() {
    AckTracker t = new AckTracker();
    t.sent(1, new io.outflux.spool.SpoolPosition(100), 10);
    t.sent(2, new io.outflux.spool.SpoolPosition(200), 20);
    assertTrue(t.acked(2).isEmpty());
    assertEquals(30, t.acked(1).orElseThrow().lines());
  }
}
