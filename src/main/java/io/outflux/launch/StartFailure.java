package io.outflux.launch;

import io.outflux.config.ConfigSource;
import io.vertx.core.json.JsonObject;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.file.NoSuchFileException;
import java.util.Optional;

/**
 * A start-up failure as one line an operator can act on: what failed, which address, file or key,
 * and what to do. The stack trace is only logged with {@code --debug} (see {@link LauncherLogFilter}).
 */
final class StartFailure {

  private StartFailure() {
  }

  static String describe(Optional<Roles> role, JsonObject config, Throwable t) {
    String source = ConfigSource.nameOf(config);
    String what = role.map(Roles::shortName).orElse("the verticle");
    Throwable bind = find(t, BindException.class);
    if (bind != null && role.filter(r -> r == Roles.SERVER).isPresent()) {
      JsonObject http = config == null ? new JsonObject() : config.getJsonObject("http", new JsonObject());
      String address = http.getString("host", "0.0.0.0") + ":" + http.getValue("port", 8070);
      return "outflux: cannot start the server: " + address + " (http.host, http.port in " + source + ") is in use "
          + "by another process (" + bind.getMessage() + "): stop that process or set http.port to a free port";
    }
    if (bind != null) {
      return "outflux: cannot start the " + what + ": an address it listens on is in use (" + bind.getMessage() + ")";
    }
    Throwable io = find(t, UncheckedIOException.class);
    String message = io != null ? io.getMessage() : t == null ? "timed out" : String.valueOf(t.getMessage());
    if (find(t, NoSuchFileException.class) != null || message.contains("spool directory")) {
      return "outflux: cannot start the " + what + ": " + message + " (spool.path in " + source + "): create the "
          + "directory (writable by the user Telegraf writes the spool as, readable by outflux) or fix spool.path";
    }
    return "outflux: cannot start the " + what + ": " + oneLine(message) + " (--debug prints the stack trace)";
  }

  private static String oneLine(String s) {
    return io.outflux.metrics.Human.snippet(s, 500);
  }

  private static Throwable find(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (type.isInstance(c)) {
        return c;
      }
    }
    return null;
  }
}
