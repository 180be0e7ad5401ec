package io.outflux.cli;

import io.outflux.admin.AdminVerticle;
import io.outflux.client.ClientConfig;
import io.outflux.config.Units;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * {@code outflux flush [--conf FILE] [--timeout 30s]}: asks the running client (through its local
 * admin endpoint, found in the same config file) to send everything in the spool now, and waits
 * until the server acknowledged all of it. Exit 0 once synced; otherwise non-zero with the reason.
 * While it waits it shows progress ({@link FlushProgress}).
 */
public final class FlushCommand {

  public static final int EXIT_OK = 0;
  public static final int EXIT_NOT_FLUSHED = 1;
  public static final int EXIT_USAGE = 2;
  public static final int EXIT_NO_CLIENT = 3;

  private static final String USAGE = "usage: outflux flush [--conf FILE] [--timeout DURATION] [--force] [--progress]"
      + "  (default conf/client.json, 30s; --force sends outside the metered link's transfer windows;"
      + " progress is shown on a terminal, or with --progress)";

  private FlushCommand() {
  }

  public static void main(String[] args) {
    System.exit(run(List.of(args), System.getenv(), System.out, System.err));
  }

  static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
    String conf = "conf/client.json";
    Duration timeout = Duration.ofSeconds(30);
    boolean force = false;
    boolean progress = System.console() != null;
    try {
      for (int i = 0; i < args.size(); i++) {
        String a = args.get(i);
        String value = a.contains("=") ? a.substring(a.indexOf('=') + 1) : i + 1 < args.size() ? args.get(i + 1) : null;
        String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
        if (!a.contains("=") && value != null && (name.equals("--conf") || name.equals("-conf") || name.equals("--timeout"))) {
          i++;
        }
        if (name.equals("--conf") || name.equals("-conf")) {
          conf = require(value, name);
        } else if (name.equals("--timeout")) {
          timeout = Units.parseDuration(require(value, name));
          if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("--timeout must be positive");
          }
        } else if (name.equals("--force")) {
          force = true;
        } else if (name.equals("--progress")) {
          progress = true;
        } else if (name.equals("-h") || name.equals("--help")) {
          out.println(USAGE);
          return EXIT_OK;
        } else {
          throw new IllegalArgumentException("unknown argument " + a);
        }
      }
    } catch (IllegalArgumentException e) {
      err.println("outflux flush: " + e.getMessage() + "\n" + USAGE);
      return EXIT_USAGE;
    }
    Optional<ClientConfig> loaded = CommandConfig.load(conf, env, err);
    if (loaded.isEmpty()) {
      return EXIT_USAGE;
    }
    Optional<AdminClient> admin = AdminClient.of(loaded.get(), conf, "flush", err);
    if (admin.isEmpty()) {
      return EXIT_USAGE;
    }
    if (admin.get().checkClient("flush", err).isPresent()) {
      return EXIT_NO_CLIENT;
    }
    return flush(admin.get(), timeout, force, progress, out, err);
  }

  private static int flush(AdminClient admin, Duration timeout, boolean force, boolean progress, PrintStream out,
                           PrintStream err) {
    String path = AdminVerticle.FLUSH_PATH + "?timeout=" + timeout.toMillis() + "ms" + (force ? "&force=true" : "");
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest request;
    try {
      request = admin.postRequest(path, timeout.plusSeconds(10));
    } catch (java.io.IOException e) {
      err.println("outflux flush: " + e.getMessage());
      return EXIT_NO_CLIENT;
    }
    CompletableFuture<HttpResponse<String>> answer = http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    FlushProgress shown = new FlushProgress(admin, err, progress);
    HttpResponse<String> response;
    try {
      response = shown.until(answer);
    } catch (ExecutionException e) {
      err.println(admin.unreachable("flush", e.getCause() instanceof Exception x ? x : e));
      return EXIT_NO_CLIENT;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return EXIT_NOT_FLUSHED;
    }
    JsonObject body = AdminClient.json(response.body());
    if (response.statusCode() == 200) {
      out.println("flushed: " + body.getLong("lines", 0L) + " lines acknowledged by the server; the spool is synced up to offset "
          + body.getLong("offset", 0L));
      return EXIT_OK;
    }
    err.println("outflux flush: not flushed (HTTP " + response.statusCode() + "): " + body.getString("error", ""));
    return EXIT_NOT_FLUSHED;
  }

  private static String require(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " needs a value");
    }
    return value;
  }
}
