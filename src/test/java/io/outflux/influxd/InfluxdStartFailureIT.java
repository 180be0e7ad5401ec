package io.outflux.influxd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Start-up failure paths, driven by wrapper scripts around the real influxd. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class InfluxdStartFailureIT {

  @TempDir Path tmp;

  @Test
  void retriesWithNewPortsWhenInfluxdDiesOnStart() throws IOException {
    // Dies like a port clash twice, then runs the real influxd.
    Path wrapper = script("flaky-influxd", """
        #!/bin/sh
        n=$(cat "%1$s" 2>/dev/null || echo 0)
        echo $((n + 1)) > "%1$s"
        if [ "$n" -lt 2 ]; then
          echo 'run: open server: listen: listen tcp 127.0.0.1:1: bind: address already in use' >&2
          exit 1
        fi
        exec "%2$s" "$@"
        """.formatted(tmp.resolve("count"), InfluxdLocator.locate(null)));

    try (InfluxdProcess influx = InfluxdProcess.start(InfluxdOptions.builder().influxdBinary(wrapper).build())) {
      assertEquals(204, influx.client().ping());
      assertEquals("3", Files.readString(tmp.resolve("count")).strip());
    }
  }

  @Test
  void givesUpAfterThreeRetriesWithTheLogTailInTheMessage() throws IOException {
    Path wrapper = script("broken-influxd", """
        #!/bin/sh
        echo 'run: open server: listen: listen tcp 127.0.0.1:1: bind: address already in use' >&2
        exit 1
        """);

    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> InfluxdProcess.start(InfluxdOptions.builder().influxdBinary(wrapper).build()));

    assertTrue(e.getMessage().contains("attempt 4 "), e.getMessage());
    assertFalse(e.getMessage().contains("attempt 5 "), e.getMessage());
    assertTrue(e.getMessage().contains("port already in use with code 1"), e.getMessage());
    assertTrue(e.getMessage().contains("bind: address already in use"), "log tail missing: " + e.getMessage());
  }

  @Test
  void hangingInfluxdTimesOutAndIsKilled() throws IOException {
    Path pidFile = tmp.resolve("pid");
    Path wrapper = script("hanging-influxd", """
        #!/bin/sh
        echo $$ > "%s"
        exec sleep 600
        """.formatted(pidFile));

    InfluxdOptions options = InfluxdOptions.builder().influxdBinary(wrapper).startTimeout(Duration.ofSeconds(1)).build();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> InfluxdProcess.start(options));

    assertTrue(e.getMessage().contains("no 204 from GET /ping within PT1S"), e.getMessage());
    assertTrue(e.getMessage().contains("attempt 1 "), e.getMessage());
    assertFalse(e.getMessage().contains("attempt 2 "), "a hang is not retried: " + e.getMessage());
    long pid = Long.parseLong(Files.readString(pidFile).strip());
    assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " left running");
  }

  private Path script(String name, String body) throws IOException {
    Path p = tmp.resolve(name);
    Files.writeString(p, body);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
    return p;
  }
}
