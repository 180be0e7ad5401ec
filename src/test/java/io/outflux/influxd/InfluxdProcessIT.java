package io.outflux.influxd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class InfluxdProcessIT {

  private static final String THREE_LINES = """
      cpu,host=a value=1 1000000000
      cpu,host=a value=2 2000000000
      cpu,host=b value=3 1000000000
      """;

  @Test
  void withoutAuthWritesAndCountsPoints() {
    try (InfluxdProcess influx = InfluxdProcess.start(InfluxdOptions.defaults())) {
      influx.createDatabase("db");
      assertEquals(204, influx.write("db", THREE_LINES).status());
      assertEquals(3, influx.count("db", "cpu"));
      assertEquals(3, influx.countPoints("db"));
    }
  }

  @Test
  void countExactCountsPointsWhoseFieldsDiffer() {
    try (InfluxdProcess influx = InfluxdProcess.start(InfluxdOptions.defaults())) {
      influx.createDatabase("db");
      // The third point shares no field with the first two; it sits in the far future on purpose.
      String lines = "m,t=x a=1 1\nm,t=x a=2,b=2 2\nm,t=x b=3 4102444800000000000\nother v=1 1\n";
      assertEquals(204, influx.write("db", lines).status());
      assertEquals(2, influx.count("db", "m"), "fast count is the largest per-field count");
      assertEquals(3, influx.countExact("db", "m"));
      assertEquals(4, influx.countPoints("db"));
    }
  }

  @Test
  void withAuthEnforcesCredentialsAndPrivileges() {
    try (InfluxdProcess influx = InfluxdProcess.start(InfluxdOptions.builder().authEnabled(true).build())) {
      influx.bootstrapAdmin("admin", "admin pw'\"");
      assertEquals(401, influx.anonymousClient().queryRaw(null, "SHOW DATABASES").status());

      influx.createDatabase("db1");
      influx.createDatabase("db2");
      influx.createUser("writer", "w-secret", false);
      influx.grant(Privilege.WRITE, "db1", "writer");

      InfluxdClient writer = influx.clientAs("writer", "w-secret");
      assertEquals(204, writer.write("db1", THREE_LINES).status());
      InfluxdResponse forbidden = writer.write("db2", THREE_LINES);
      assertEquals(403, forbidden.status(), forbidden.toString());
      assertEquals(401, influx.clientAs("writer", "wrong").write("db1", THREE_LINES).status());
      assertEquals(3, influx.count("db1", "cpu"));
      assertEquals(0, influx.countPoints("db2"));
    }
  }

  @Test
  void stopEndsTheProcessAndDeletesItsDirectory() {
    InfluxdProcess influx = InfluxdProcess.start(InfluxdOptions.defaults());
    long pid = influx.pid();
    Path dir = influx.baseDir();
    assertTrue(Files.isDirectory(dir.resolve("wal")));

    influx.stop();

    assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "influxd pid " + pid + " still alive");
    assertFalse(Files.exists(dir), dir + " still exists");
    influx.stop(); // idempotent
  }

  @Test
  void keepDataLeavesTheDirectoryBehind() throws Exception {
    Path dir;
    try (InfluxdProcess influx = InfluxdProcess.start(InfluxdOptions.builder().keepData(true).build())) {
      dir = influx.baseDir();
    }
    assertTrue(Files.exists(dir.resolve("influxd.log")));
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Test
  void twoInstancesRunSideBySideOnDifferentPorts() {
    try (InfluxdProcess a = InfluxdProcess.start(InfluxdOptions.defaults());
        InfluxdProcess b = InfluxdProcess.start(InfluxdOptions.defaults())) {
      assertNotEquals(a.httpPort(), b.httpPort());
      assertNotEquals(a.pid(), b.pid());
      assertNotEquals(a.baseDir(), b.baseDir());
      assertEquals(204, a.client().ping());
      assertEquals(204, b.client().ping());
    }
  }

  @Test
  void kill9ThenRestartKeepsPortAndWrittenPoints() {
    try (InfluxdProcess influx = InfluxdProcess.start(InfluxdOptions.defaults())) {
      influx.createDatabase("db");
      assertEquals(204, influx.write("db", THREE_LINES).status());
      int port = influx.httpPort();
      long pid = influx.pid();

      influx.kill9();
      assertFalse(influx.isAlive());
      assertEquals(-1, influx.client().ping(), "nothing answers while influxd is down");

      influx.restart();
      assertEquals(port, influx.httpPort());
      assertNotEquals(pid, influx.pid());
      assertEquals(3, influx.count("db", "cpu"), "a 204 write is in the fsynced WAL and survives SIGKILL");
    }
  }

  @Test
  void gracefulRestartKeepsData() {
    try (InfluxdProcess influx = InfluxdProcess.start(InfluxdOptions.builder().authEnabled(true).build())) {
      influx.bootstrapAdmin("admin", "pw");
      influx.createDatabase("db");
      assertEquals(204, influx.write("db", THREE_LINES).status());
      influx.restart();
      assertEquals(3, influx.countPoints("db"));
    }
  }
}
