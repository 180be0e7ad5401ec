package io.outflux.cli;

import io.outflux.client.ClientConfig;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The {@code -c/--conf FILE} option of every command that works on a client config. */
abstract class ClientConfOption {

  @Option(names = {"-c", "--conf", "-conf"}, paramLabel = "FILE",
      description = "client config (JSON, keys in docs/configuration.md); default: $OUTFLUX_CONF_DIR/client.json, "
          + "else conf/client.json")
  String conf;

  String conf(Io io) {
    return conf != null ? conf : io.defaultConf("client");
  }

  /** The parsed config, or empty after printing {@code outflux: config error: ...}. */
  Optional<ClientConfig> load(Io io) {
    return CommandConfig.load(conf(io), io.env(), io.err());
  }
}
