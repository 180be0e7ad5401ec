package io.outflux.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.batch.SyncRule;
import io.outflux.client.ClientConfig;
import io.outflux.server.ServerConfig;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every example in conf/ must parse: the docs point users at them. */
class ExampleConfigsTest {

  @Test
  void clientExampleParses() {
    ClientConfig c = ClientConfig.parse(ConfigSource.readFile(Path.of("conf/client.json")), Map.of());
    assertEquals("edge-01", c.clientId());
    assertEquals(SyncRule.INTERVAL, c.sync().rule());
    assertEquals("conf/client.json", c.source());
    assertFalse(c.transport().servers().isEmpty());
    assertFalse(c.transport().link().limited(), "the example's link section lists the keys, all off");
  }

  @Test
  void meteredClientExampleParses() {
    ClientConfig c = ClientConfig.parse(ConfigSource.readFile(Path.of("conf/client-metered.json")), Map.of());
    assertEquals(64 * 1024, c.transport().link().maxRate());
    assertEquals(2, c.transport().link().windows().size());
    assertEquals(200L << 20, c.transport().link().dailyQuota());
    assertTrue(c.transport().link().networkInterface().isEmpty());
    assertEquals(io.outflux.transport.Compression.ZSTD, c.transport().compression(), "a metered link sends zstd");
  }

  @Test
  void serverExampleParses() {
    ServerConfig s = ServerConfig.parse(ConfigSource.readFile(Path.of("conf/server.json")), Map.of());
    assertEquals(8070, s.front().port());
    assertEquals(1, s.influx().version());
    assertEquals(java.time.Duration.ofHours(1), s.cluster().dedupeTtl());
  }

  @Test
  void sitesServerExampleParsesWithPerPlantRoutesAndOneTaggedSharedDatabase() {
    ServerConfig s = ServerConfig.parse(ConfigSource.readFile(Path.of("conf/server-sites.json")), Map.of());
    io.outflux.server.SiteConfig sites = s.front().sites();
    assertTrue(sites.tags("plants"));
    assertTrue(!sites.tags("plant_a"));
    assertEquals("plant_a", sites.route("plant-a-07", java.util.Optional.empty(), "telegraf", "").database());
    assertEquals("one_year", sites.route("plant-b-01", java.util.Optional.empty(), "telegraf", "").retentionPolicy());
    assertEquals("plants", sites.route("x", java.util.Optional.of("gw-3.plants.example.com"), "telegraf", "").database());
  }

  @Test
  void influxDb2ServerExampleParsesAndVersion2WithoutOrgIsRefusedNamingTheKey() {
    ServerConfig s = ServerConfig.parse(ConfigSource.readFile(Path.of("conf/server-influxdb2.json")), Map.of());
    assertEquals(2, s.influx().version());
    assertEquals("my-org", s.influx().org());
    JsonObject json = ConfigSource.readFile(Path.of("conf/server-influxdb2.json"));
    json.getJsonObject("influx").remove("org");
    ConfigException e = assertThrows(ConfigException.class, () -> ServerConfig.parse(json, Map.of()));
    assertEquals("influx.org", e.key());
  }

  @Test
  void everyJsonInConfParsesAsClientOrServer() throws Exception {
    try (Stream<Path> files = Files.list(Path.of("conf"))) {
      for (Path p : files.filter(f -> f.toString().endsWith(".json")).toList()) {
        JsonObject json = ConfigSource.readFile(p);
        if (json.containsKey("clientId")) {
          ClientConfig.parse(json, Map.of());
        } else if (json.containsKey("http") || json.containsKey("influx")) {
          ServerConfig.parse(json, Map.of());
        }
      }
    }
  }

  @Test
  void clientConfigRejectsAServerAddressWithoutScheme() {
    JsonObject json = ConfigSource.readFile(Path.of("conf/client.json")).put("servers", new io.vertx.core.json.JsonArray().add("central:8070"));
    ConfigException e = assertThrows(ConfigException.class, () -> ClientConfig.parse(json, Map.of()));
    assertEquals("servers", e.key());
    assertTrue(e.getMessage().contains("http://"), e.getMessage());
  }
}
