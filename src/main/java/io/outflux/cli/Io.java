package io.outflux.cli;

import java.io.PrintStream;
import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What a command may touch of the outside world, passed in so tests run commands in-process: the
 * environment (config overrides, {@code OUTFLUX_CONF_DIR}), the two output streams and the clock.
 */
public record Io(Map<String, String> env, PrintStream out, PrintStream err, Supplier<Instant> clock) {

  public static Io system() {
    return new Io(System.getenv(), System.out, System.err, Instant::now);
  }

  public static Io of(Map<String, String> env, PrintStream out, PrintStream err) {
    return new Io(env, out, err, Instant::now);
  }

  /**
   * The config file a command uses when {@code --conf} is not given: {@code <dir>/<role>.json} where
   * dir is {@code OUTFLUX_CONF_DIR} (bin/outflux sets it: conf/ next to the script, or /etc/outflux
   * when installed from the package), else {@code conf}.
   */
  public String defaultConf(String role) {
    String dir = env.getOrDefault("OUTFLUX_CONF_DIR", "");
    return (dir.isBlank() ? "conf" : dir) + "/" + role + ".json";
  }
}
