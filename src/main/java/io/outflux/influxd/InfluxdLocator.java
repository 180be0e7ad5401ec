package io.outflux.influxd;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Finds the influxd binary; fails loudly (never skips) with the command that installs it. */
public final class InfluxdLocator {

  public static final String INSTALL_HINT = "sudo apt-get install -y influxdb influxdb-client";

  private static final List<Path> WELL_KNOWN =
      List.of(Path.of("/usr/bin/influxd"), Path.of("/usr/sbin/influxd"));

  private InfluxdLocator() {}

  /** Explicit binary if given, else the first influxd on $PATH, else the Debian locations. */
  public static Path locate(Path explicit) {
    return locate(explicit, System.getenv("PATH"));
  }

  static Path locate(Path explicit, String pathEnv) {
    if (explicit != null) {
      if (isExecutable(explicit)) {
        return explicit;
      }
      // The caller asked for this one: falling back to another binary would hide a broken setup.
      throw notFound("influxd binary " + explicit + " does not exist or is not executable.");
    }
    List<Path> candidates = new ArrayList<>();
    if (pathEnv != null) {
      for (String dir : pathEnv.split(File.pathSeparator)) {
        if (!dir.isBlank()) {
          candidates.add(Path.of(dir, "influxd"));
        }
      }
    }
    candidates.addAll(WELL_KNOWN);
    return candidates.stream()
        .filter(InfluxdLocator::isExecutable)
        .findFirst()
        .orElseThrow(() -> notFound("influxd (InfluxDB 1.x) was not found on $PATH nor in " + WELL_KNOWN + "."));
  }

  private static boolean isExecutable(Path p) {
    return Files.isRegularFile(p) && Files.isExecutable(p);
  }

  private static IllegalStateException notFound(String what) {
    return new IllegalStateException(what + " Install it with: " + INSTALL_HINT);
  }
}
