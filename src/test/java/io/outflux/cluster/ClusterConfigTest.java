package io.outflux.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.config.ConfigException;
import io.outflux.config.ConfigReader;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterConfigTest {

  private static ClusterConfig read(JsonObject cluster) {
    return ClusterConfig.from(ConfigReader.root(new JsonObject().put("cluster", cluster), "server.json", "server",
        Map.of()).section("cluster"));
  }

  @Test
  void theFleetStateThresholdsDefaultToTenSecondsAndFiveMinutes() {
    ClusterConfig c = read(new JsonObject());
    assertEquals(Duration.ofSeconds(10), c.fleetLiveWithin());
    assertEquals(Duration.ofMinutes(5), c.fleetStaleAfter());
  }

  @Test
  void aStaleThresholdBelowTheLiveOneIsRefusedNamingTheKey() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> read(new JsonObject().put("fleetLiveWithin", "30s").put("fleetStaleAfter", "10s")));
    assertTrue(e.getMessage().contains("cluster.fleetStaleAfter"), e.getMessage());
    assertTrue(e.getMessage().contains("server.json"), e.getMessage());
  }
}
