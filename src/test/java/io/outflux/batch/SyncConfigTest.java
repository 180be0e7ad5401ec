package io.outflux.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.config.ConfigException;
import io.outflux.config.ConfigReader;
import io.outflux.spool.CatchUpOrder;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SyncConfigTest {

  private static SyncConfig parse(JsonObject sync) {
    return SyncConfig.from(ConfigReader.root(new JsonObject().put("sync", sync), "test", "client", Map.of())
        .section("sync"));
  }

  @Test
  void catchUpIsOldestFirstByDefaultWithA64MiBThreshold() {
    SyncConfig c = parse(new JsonObject());
    assertEquals(CatchUpOrder.OLDEST_FIRST, c.catchUp());
    assertEquals(64L << 20, c.catchUpThreshold());
  }

  @Test
  void newestFirstAndItsThresholdAreReadInConfigSpelling() {
    SyncConfig c = parse(new JsonObject().put("catchUp", "newest-first").put("catchUpThreshold", "8MiB"));
    assertEquals(CatchUpOrder.NEWEST_FIRST, c.catchUp());
    assertEquals(8L << 20, c.catchUpThreshold());
  }

  @Test
  void anUnknownOrderIsRefusedNamingTheKey() {
    ConfigException e = assertThrows(ConfigException.class, () -> parse(new JsonObject().put("catchUp", "random")));
    assertEquals("sync.catchUp", e.key());
    assertTrue(e.getMessage().contains("newest-first"), e.getMessage());
  }

  @Test
  void aMaxBatchSizeOverTheServersDefaultBodyLimitIsRefusedUnlessServerBodyLimitSaysTheyTakeMore() {
    ConfigException e = assertThrows(ConfigException.class, () -> parse(new JsonObject().put("maxBatchSize", "32MiB")));
    assertEquals("sync.maxBatchSize", e.key());
    assertTrue(e.getMessage().contains("http.maxBodySize") && e.getMessage().contains("sync.serverBodyLimit"),
        e.getMessage());
    SyncConfig raised = parse(new JsonObject().put("maxBatchSize", "32MiB").put("serverBodyLimit", "64MiB"));
    assertEquals(32L << 20, raised.maxBatchSize());
    ConfigException lower = assertThrows(ConfigException.class,
        () -> parse(new JsonObject().put("maxBatchSize", "2MiB").put("serverBodyLimit", "1MiB")));
    assertEquals("sync.maxBatchSize", lower.key());
  }

  @Test
  void theDefaultMaxBatchSizeFitsUnderALowerDeclaredServerLimit() {
    assertEquals(1L << 20, parse(new JsonObject().put("serverBodyLimit", "1MiB")).maxBatchSize());
  }
}
