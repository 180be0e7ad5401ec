package io.outflux.influxd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A JVM that exits without stopping its harness must not leave influxd (or its temp dir) behind. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ShutdownHookIT {

  /** Child JVM: starts influxd, prints "pid dir", exits without stop(). */
  public static void main(String[] args) {
    InfluxdProcess influx = InfluxdProcess.start(InfluxdOptions.defaults());
    System.out.println("READY " + influx.pid() + " " + influx.baseDir());
    System.exit(0);
  }

  @Test
  void exitingJvmReapsItsInfluxd() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process child = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
        ShutdownHookIT.class.getName())
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    String ready = null;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        if (line.startsWith("READY ")) {
          ready = line;
        }
      }
    }
    assertTrue(child.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, child.exitValue());
    assertTrue(ready != null, "child JVM never reported a running influxd");

    String[] parts = ready.split(" ", 3);
    long pid = Long.parseLong(parts[1]);
    Path dir = Path.of(parts[2]);
    assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "influxd pid " + pid + " outlived its JVM");
    assertFalse(Files.exists(dir), dir + " left behind");
  }
}
