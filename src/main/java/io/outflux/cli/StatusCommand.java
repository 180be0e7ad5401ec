package io.outflux.cli;

import io.outflux.admin.AdminVerticle;
import io.outflux.client.ClientConfig;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code outflux status [--conf FILE] [--json]}: the running client's state at a glance, from its
 * admin endpoint ({@code GET /status}). Exit 0 when the client is ready, 1 when it runs but is not
 * ready (the reasons are printed), 2 bad command line or config, 3 when its admin endpoint cannot be reached.
 */
public final class StatusCommand {

  public static final int EXIT_READY = 0;
  public static final int EXIT_NOT_READY = 1;
  public static final int EXIT_USAGE = 2;
  public static final int EXIT_NO_CLIENT = 3;

  private static final String USAGE = "usage: outflux status [--conf FILE] [--json]  (default conf/client.json)";

  private StatusCommand() {
  }

  public static void main(String[] args) {
    System.exit(run(List.of(args), System.getenv(), System.out, System.err));
  }

  static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
    String conf = "conf/client.json";
    boolean json = false;
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("--json")) {
        json = true;
      } else if ((a.equals("--conf") || a.equals("-conf")) && i + 1 < args.size()) {
        conf = args.get(++i);
      } else if (a.startsWith("--conf=") || a.startsWith("-conf=")) {
        conf = a.substring(a.indexOf('=') + 1);
      } else if (a.equals("-h") || a.equals("--help")) {
        out.println(USAGE);
        return EXIT_READY;
      } else {
        err.println("outflux status: unknown argument " + a + "\n" + USAGE);
        return EXIT_USAGE;
      }
    }
    Optional<ClientConfig> config = CommandConfig.load(conf, env, err);
    if (config.isEmpty()) {
      return EXIT_USAGE;
    }
    Optional<AdminClient> admin = AdminClient.of(config.get(), conf, "status", err);
    if (admin.isEmpty()) {
      return EXIT_USAGE;
    }
    if (admin.get().checkClient("status", err).isPresent()) {
      return EXIT_NO_CLIENT;
    }
    JsonObject status;
    try {
      HttpResponse<String> r = admin.get().get(AdminVerticle.STATUS_PATH, Duration.ofSeconds(20));
      status = AdminClient.json(r.body());
      if (r.statusCode() != 200) {
        err.println("outflux status: the client answered " + r.statusCode() + ": " + status.getString("error", r.body()));
        return EXIT_NOT_READY;
      }
    } catch (IOException e) {
      err.println(admin.get().unreachable("status", e));
      return EXIT_NO_CLIENT;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return EXIT_NOT_READY;
    }
    out.print(json ? status.encodePrettily() + "\n" : StatusFormat.format(status, Instant.now()));
    out.flush();
    return status.getJsonObject("ready", new JsonObject()).getBoolean("ready", false) ? EXIT_READY : EXIT_NOT_READY;
  }
}
