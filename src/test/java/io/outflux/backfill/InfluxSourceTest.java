package io.outflux.backfill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.client.ClientConfig;
import io.outflux.config.ConfigException;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InfluxSourceTest {

  private static JsonObject example() throws Exception {
    return new JsonObject(Files.readString(Path.of("conf/client.json")));
  }

  @Test
  void theEdgeSectionIsParsedAndCentralDefaultsToTheClientsDatabase() throws Exception {
    JsonObject json = example().put("central", new JsonObject().put("url", "http://127.0.0.1:9086").put("username", "r"));
    ClientConfig c = ClientConfig.parse(json, Map.of("OUTFLUX_CLIENT_EDGE_PASSWORD", "from-env"));
    assertEquals("http://127.0.0.1:8086", c.edge().orElseThrow().url().toString());
    assertEquals("from-env", c.edge().orElseThrow().password());
    assertEquals("telegraf", c.central().orElseThrow().database());
  }

  @Test
  void bothSectionsAreOptional() throws Exception {
    JsonObject json = example();
    json.remove("edge");
    ClientConfig c = ClientConfig.parse(json, Map.of());
    assertTrue(c.edge().isEmpty() && c.central().isEmpty());
  }

  @Test
  void mistakesNameTheKey() throws Exception {
    JsonObject noDb = example();
    noDb.getJsonObject("edge").remove("database");
    assertTrue(assertThrows(ConfigException.class, () -> ClientConfig.parse(noDb, Map.of())).getMessage().contains("edge.database"));
    JsonObject badUrl = example();
    badUrl.getJsonObject("edge").put("url", "localhost:8086");
    assertTrue(assertThrows(ConfigException.class, () -> ClientConfig.parse(badUrl, Map.of())).getMessage().contains("edge.url"));
    JsonObject typo = example();
    typo.getJsonObject("edge").put("databse", "x");
    assertTrue(assertThrows(ConfigException.class, () -> ClientConfig.parse(typo, Map.of())).getMessage().contains("databse"));
  }
}
