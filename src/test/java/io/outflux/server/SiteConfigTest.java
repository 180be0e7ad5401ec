package io.outflux.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.config.ConfigException;
import io.outflux.config.ConfigReader;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SiteConfigTest {

  private static SiteConfig parse(String json) {
    ConfigReader r = ConfigReader.root(new JsonObject().put("sites", new JsonObject(json)), "server.json", "server",
        Map.of());
    SiteConfig c = SiteConfig.from(r.section("sites"));
    r.rejectUnknownKeys();
    return c;
  }

  private static String error(String json) {
    return assertThrows(ConfigException.class, () -> parse(json)).getMessage();
  }

  @Test
  void offByDefault() {
    SiteConfig c = parse("{}");
    assertFalse(c.tags("telegraf"));
    assertFalse(c.tagsAny());
    assertEquals("site", c.tagName());
    assertEquals(new SiteConfig.Target("telegraf", "", false), c.route("plant-a", Optional.empty(), "telegraf", ""));
  }

  @Test
  void globalAndPerDatabase() {
    SiteConfig c = parse("{\"tag\": true, \"tagName\": \"plant\", \"databases\": {\"legacy\": false}}");
    assertTrue(c.tags("telegraf"));
    assertFalse(c.tags("legacy"));
    SiteConfig one = parse("{\"databases\": {\"shared\": true}}");
    assertTrue(one.tags("shared"));
    assertFalse(one.tags("telegraf"));
    assertTrue(one.tagsAny());
  }

  @Test
  void theFirstMatchingRouteDecides() {
    SiteConfig c = parse("{\"routes\": ["
        + "{\"certificate\": \"gw-*.plant-b\", \"bucket\": \"plant_b\"},"
        + "{\"clientId\": \"plant-a-??\", \"database\": \"plant_a\", \"retentionPolicy\": \"month\"},"
        + "{\"clientId\": \"plant-*\", \"database\": \"plants\"}]}");
    assertEquals(new SiteConfig.Target("plant_a", "month", true), c.route("plant-a-01", Optional.empty(), "x", ""));
    assertEquals(new SiteConfig.Target("plants", "rp", true), c.route("plant-a-001", Optional.empty(), "x", "rp"));
    assertEquals(new SiteConfig.Target("plant_b", "", true), c.route("any", Optional.of("gw-7.plant-b"), "x", ""));
    assertEquals(new SiteConfig.Target("x", "", false), c.route("other", Optional.of("gw-7.plant-c"), "x", ""));
    // a dot in a pattern is a dot, not "any character"
    assertEquals(new SiteConfig.Target("x", "", false), c.route("other", Optional.of("gw-7xplant-b"), "x", ""));
  }

  @Test
  void mistakesNameTheKey() {
    assertTrue(error("{\"tagName\": \"a\\\\b\"}").contains("sites.tagName"));
    assertTrue(error("{\"tagName\": \"time\"}").contains("reserved"));
    assertTrue(error("{\"routes\": [{\"database\": \"x\"}]}").contains("sites.routes[0].clientId"));
    assertTrue(error("{\"routes\": [{\"clientId\": \"a\"}]}").contains("either database"));
    assertTrue(error("{\"routes\": [{\"clientId\": \"a\", \"bucket\": \"b\", \"retentionPolicy\": \"r\"}]}")
        .contains("sites.routes[0].retentionPolicy"));
    assertTrue(error("{\"routes\": [{\"clientId\": \"a\", \"database\": \"b\", \"typo\": 1}]}")
        .contains("sites.routes[0].typo"));
    assertTrue(error("{\"routes\": {}}").contains("list of objects"));
    assertTrue(error("{\"databases\": {\"x\": \"maybe\"}}").contains("sites.databases.x"));
  }

  @Test
  void theCertificateNameIsItsCommonName() {
    assertEquals("plant-7", CertificateName.of("CN=plant-7,OU=Edge,O=Example"));
    assertEquals("Hall 1, west", CertificateName.of("CN=Hall 1\\, west,O=Example"));
    assertEquals("OU=Edge,O=Example", CertificateName.of("OU=Edge,O=Example"));
  }
}
