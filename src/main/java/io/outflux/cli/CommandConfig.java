package io.outflux.cli;

import io.outflux.client.ClientConfig;
import io.outflux.config.ConfigException;
import io.outflux.config.ConfigSource;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** Reads the client config for a CLI command, reporting a bad one the same way the launcher does. */
final class CommandConfig {

  private CommandConfig() {
  }

  /** @return the config, or empty after printing {@code outflux: config error: ...} to {@code err} */
  static Optional<ClientConfig> load(String file, Map<String, String> env, PrintStream err) {
    try {
      return Optional.of(ClientConfig.parse(ConfigSource.readFile(Path.of(file)), env));
    } catch (ConfigException e) {
      err.println("outflux: config error: " + e.getMessage());
      return Optional.empty();
    }
  }
}
