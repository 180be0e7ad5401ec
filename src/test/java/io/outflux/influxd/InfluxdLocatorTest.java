package io.outflux.influxd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InfluxdLocatorTest {

  @TempDir Path tmp;

  @Test
  void missingExplicitBinaryFailsWithTheInstallCommand() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> InfluxdLocator.locate(tmp.resolve("nope/influxd"), ""));
    assertTrue(e.getMessage().contains("sudo apt-get install -y influxdb influxdb-client"), e.getMessage());
    assertTrue(e.getMessage().contains(tmp.resolve("nope/influxd").toString()), e.getMessage());
  }

  @Test
  void findsInfluxdOnPathBeforeTheDebianLocations() throws IOException {
    Path fake = executable(tmp.resolve("influxd"));
    assertEquals(fake, InfluxdLocator.locate(null, "/does/not/exist:" + tmp));
  }

  @Test
  void explicitBinaryWins() throws IOException {
    Path fake = executable(tmp.resolve("my-influxd"));
    assertEquals(fake, InfluxdLocator.locate(fake, "/usr/bin"));
  }

  @Test
  void startDoesNotSilentlySkipWhenInfluxdIsMissing() {
    InfluxdOptions options = InfluxdOptions.builder().influxdBinary(tmp.resolve("missing")).build();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> InfluxdProcess.start(options));
    assertTrue(e.getMessage().contains(InfluxdLocator.INSTALL_HINT), e.getMessage());
  }

  private static Path executable(Path p) throws IOException {
    Files.writeString(p, "#!/bin/sh\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    return p;
  }
}
