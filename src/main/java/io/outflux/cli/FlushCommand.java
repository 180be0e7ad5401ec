package io.outflux.cli;

import io.outflux.admin.AdminVerticle;
import io.outflux.client.ClientConfig;
import io.outflux.config.Units;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code outflux flush [--conf FILE] [--timeout 30s]}: asks the running client (through its local
 * admin endpoint, found in the same config file) to send everything in the spool now, and waits
 * until the server acknowledged all of it. Exit 0 once synced; otherwise non-zero with the reason.
 */
public final class FlushCommand {

  public static final int EXIT_OK = 0;
  public static final int EXIT_NOT_FLUSHED = 1;
  public static final int EXIT_USAGE = 2;
  public static final int EXIT_NO_CLIENT = 3;

  private static final String USAGE = "usage: outflux flush [--conf FILE] [--timeout DURATION]  (default conf/client.json, 30s)";

  private FlushCommand() {
  }

  public static void main(String[] args) {
    System.exit(run(List.of(args), System.getenv(), System.out, System.err));
  }

  static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
    String conf = "conf/client.json";
    Duration timeout = Duration.ofSeconds(30);
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
    ClientConfig config = loaded.get();
    if (!config.admin().enabled()) {
      err.println("outflux flush: admin.enabled is false in " + conf + ": the client has no admin endpoint to ask");
      return EXIT_USAGE;
    }
    String host = config.admin().host().equals("0.0.0.0") ? "127.0.0.1" : config.admin().host();
    URI uri = URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + config.admin().port()
        + AdminVerticle.FLUSH_PATH + "?timeout=" + timeout.toMillis() + "ms");
    Duration wait = timeout;
    return checkClient(uri, config.clientId(), err).orElseGet(() -> flush(uri, wait, out, err));
  }

  /** Another client's endpoint on that port would flush the wrong spool: check the id first. */
  private static java.util.Optional<Integer> checkClient(URI flushUri, String clientId, PrintStream err) {
    URI health = flushUri.resolve(AdminVerticle.HEALTH_PATH);
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(10)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      String id = r.statusCode() == 200 ? new JsonObject(r.body()).getString("clientId") : null;
      if (!clientId.equals(id)) {
        err.println("outflux flush: the admin endpoint " + health.getHost() + ":" + health.getPort()
            + " is not client " + clientId + " (it answered " + r.statusCode() + " " + r.body() + ")");
        return java.util.Optional.of(EXIT_NO_CLIENT);
      }
      return java.util.Optional.empty();
    } catch (IOException | DecodeException e) {
      err.println("outflux flush: cannot reach the client's admin endpoint " + health.getHost() + ":" + health.getPort()
          + " (" + e.getMessage() + "); is the client running with this config?");
      return java.util.Optional.of(EXIT_NO_CLIENT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return java.util.Optional.of(EXIT_NOT_FLUSHED);
    }
  }

  private static int flush(URI uri, Duration timeout, PrintStream out, PrintStream err) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest request = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.noBody())
        .timeout(timeout.plusSeconds(10)).build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      err.println("outflux flush: cannot reach the client's admin endpoint " + uri.getHost() + ":" + uri.getPort()
          + " (" + e.getMessage() + "); is the client running with this config?");
      return EXIT_NO_CLIENT;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return EXIT_NOT_FLUSHED;
    }
    JsonObject body;
    try {
      body = new JsonObject(response.body());
    } catch (DecodeException e) {
      body = new JsonObject().put("error", response.body());
    }
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
