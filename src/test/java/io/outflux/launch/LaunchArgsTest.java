package io.outflux.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class LaunchArgsTest {

  @Test
  void findsVerticleAndConfInAnyLauncherSpelling() {
    var a = LaunchArgs.parse(List.of("-cluster", "-cluster-port", "5701", "server", "-conf", "conf/server.json"));
    assertEquals("server", a.verticle().orElseThrow());
    assertEquals("conf/server.json", a.conf().orElseThrow());
    var b = LaunchArgs.parse(List.of("client", "--conf=conf/client.json", "-instances", "1"));
    assertEquals("client", b.verticle().orElseThrow());
    assertEquals("conf/client.json", b.conf().orElseThrow());
  }

  @Test
  void helpIsRecognised() {
    assertTrue(LaunchArgs.parse(List.of("--help")).help());
  }

  @Test
  void shortNamesAndClassNamesMapToRoles() {
    assertEquals(Roles.SERVER, Roles.find("server").orElseThrow());
    assertEquals(Roles.CLIENT, Roles.find("io.outflux.client.ClientVerticle").orElseThrow());
    assertTrue(Roles.find("nope").isEmpty());
  }
}
