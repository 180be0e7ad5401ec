package io.outflux.influxd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The TOML config for a private, loopback-only influxd. Keys checked against `influxd config` of
 * Debian's 1.6.7 (influxd silently ignores unknown keys, so InfluxdConfigIT asserts that each one
 * is actually picked up).
 */
record InfluxdConfig(Path dir, int httpPort, int rpcPort, boolean authEnabled) {

  static final String FILE_NAME = "influxdb.conf";

  Path metaDir() {
    return dir.resolve("meta");
  }

  Path dataDir() {
    return dir.resolve("data");
  }

  Path walDir() {
    return dir.resolve("wal");
  }

  Path file() {
    return dir.resolve(FILE_NAME);
  }

  /** Creates meta/, data/, wal/ and (over)writes the config file; returns its path. */
  Path write() throws IOException {
    Files.createDirectories(metaDir());
    Files.createDirectories(dataDir());
    Files.createDirectories(walDir());
    Files.writeString(file(), render(), StandardCharsets.UTF_8);
    return file();
  }

  String render() {
    // reporting-enabled is this Debian build's key; reporting-disabled is upstream's (ignored here).
    return """
        reporting-enabled = false
        reporting-disabled = true
        bind-address = %s

        [meta]
          dir = %s

        [data]
          dir = %s
          wal-dir = %s
          query-log-enabled = false

        [http]
          enabled = true
          bind-address = %s
          auth-enabled = %b
          log-enabled = false
          pprof-enabled = false

        [monitor]
          store-enabled = false

        [continuous_queries]
          enabled = false

        [subscriber]
          enabled = false

        [logging]
          level = "info"
          suppress-logo = true
        """
        .formatted(
            quote("127.0.0.1:" + rpcPort),
            quote(metaDir().toString()),
            quote(dataDir().toString()),
            quote(walDir().toString()),
            quote("127.0.0.1:" + httpPort),
            authEnabled);
  }

  /** TOML basic string. */
  static String quote(String s) {
    return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }
}
