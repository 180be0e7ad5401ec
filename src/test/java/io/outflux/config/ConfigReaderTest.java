package io.outflux.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigReaderTest {

  private static ConfigReader reader(String json, Map<String, String> env) {
    return ConfigReader.root(new JsonObject(json).put(ConfigSource.SOURCE_KEY, "conf/x.json"), "conf/x.json", "client", env);
  }

  @Test
  void unknownKeyIsRejectedWithItsFullPathAndTheFile() {
    ConfigReader r = reader("{\"sync\":{\"intervall\":\"5s\"}}", Map.of());
    r.section("sync").duration("interval", Duration.ofSeconds(1), Duration.ZERO, Duration.ofDays(1));
    ConfigException e = assertThrows(ConfigException.class, r::rejectUnknownKeys);
    assertEquals("sync.intervall", e.key());
    assertTrue(e.getMessage().startsWith("conf/x.json: key \"sync.intervall\": unknown key"), e.getMessage());
  }

  @Test
  void environmentVariableOverridesTheFile() {
    ConfigReader r = reader("{\"influx\":{\"password\":\"file\"}}",
        Map.of("OUTFLUX_CLIENT_INFLUX_PASSWORD", "env", "OUTFLUX_CLIENT_SYNC_MAX_IN_FLIGHT", "7"));
    assertEquals("env", r.section("influx").string("password", null));
    assertEquals(7, r.section("sync").integer("maxInFlight", 1, 1, 10));
  }

  @Test
  void anAddressWithAPasswordIsRefusedWithoutRepeatingThePassword() {
    ConfigReader r = reader("{}", Map.of());
    ConfigException e = assertThrows(ConfigException.class,
        () -> r.parseHttpUri("servers", "http://edge:s3cret@central:8070"));
    assertEquals("servers", e.key());
    assertTrue(e.getMessage().contains("must not carry a user or password"), e.getMessage());
    assertTrue(!e.getMessage().contains("s3cret"), e.getMessage());
    assertEquals("central", r.parseHttpUri("servers", "https://central:8070").getHost());
  }

  @Test
  void envNameSplitsCamelCaseAndDots() {
    assertEquals("OUTFLUX_SERVER_HTTP_MAX_BODY_SIZE", ConfigReader.envName("OUTFLUX_SERVER", "http.maxBodySize"));
  }

  @Test
  void wrongTypeNamesKeyAndWhatWasFound() {
    ConfigReader r = reader("{\"port\":\"eighty\"}", Map.of());
    ConfigException e = assertThrows(ConfigException.class, () -> r.integer("port", 1, 0, 65535));
    assertTrue(e.getMessage().contains("key \"port\": must be a whole number, found the string \"eighty\""), e.getMessage());
  }

  @Test
  void badEnvironmentValueSaysItCameFromTheEnvironment() {
    ConfigReader r = reader("{}", Map.of("OUTFLUX_CLIENT_INTERVAL", "soon"));
    ConfigException e = assertThrows(ConfigException.class,
        () -> r.duration("interval", Duration.ofSeconds(1), Duration.ZERO, Duration.ofDays(1)));
    assertTrue(e.getMessage().contains("OUTFLUX_CLIENT_INTERVAL"), e.getMessage());
  }

  @Test
  void outOfRangeValueShowsTheRange() {
    ConfigReader r = reader("{\"n\":0}", Map.of());
    ConfigException e = assertThrows(ConfigException.class, () -> r.integer("n", 1, 1, 64));
    assertTrue(e.getMessage().contains("out of range [1, 64]"), e.getMessage());
  }

  @Test
  void durationsAndSizesAcceptUnits() {
    ConfigReader r = reader("{\"d\":\"250ms\",\"e\":1500,\"s\":\"4MiB\",\"t\":\"1KB\"}", Map.of());
    assertEquals(Duration.ofMillis(250), r.duration("d", Duration.ZERO, Duration.ZERO, Duration.ofDays(1)));
    assertEquals(Duration.ofMillis(1500), r.duration("e", Duration.ZERO, Duration.ZERO, Duration.ofDays(1)));
    assertEquals(4L << 20, r.size("s", 0, 0, Long.MAX_VALUE));
    assertEquals(1000, r.size("t", 0, 0, Long.MAX_VALUE));
  }

  @Test
  void missingRequiredKeyNamesTheEnvironmentVariableToo() {
    ConfigReader r = reader("{}", Map.of());
    ConfigException e = assertThrows(ConfigException.class, () -> r.section("influx").requiredString("database"));
    assertTrue(e.getMessage().contains("influx.database") && e.getMessage().contains("OUTFLUX_CLIENT_INFLUX_DATABASE"),
        e.getMessage());
  }

  @Test
  void enumChoicesAreListed() {
    enum Color { RED, GREEN }
    ConfigReader r = reader("{\"c\":\"blue\"}", Map.of());
    ConfigException e = assertThrows(ConfigException.class, () -> r.enumValue("c", Color.class, Color.RED));
    assertTrue(e.getMessage().contains("[red, green]"), e.getMessage());
  }
}
