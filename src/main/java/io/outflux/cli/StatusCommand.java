package io.outflux.cli;

import io.outflux.admin.AdminVerticle;
import io.outflux.client.ClientConfig;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code outflux status [-c FILE] [--json]}: the running client's state at a glance, from its admin
 * endpoint ({@code GET /status}).
 */
@Command(name = "status", mixinStandardHelpOptions = true, sortOptions = false,
    description = "The running client at a glance: rule, server, connection, backlog, lag, last ack, dead letters, "
        + "metered link.",
    footerHeading = "%n", footer = Cli.DOCS,
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:the client is ready", "1:the client runs but is not ready (the reasons are printed)",
        "2:bad command line or config", "3:the client's admin endpoint cannot be reached (is the client running?)"})
public final class StatusCommand extends ClientConfOption implements Callable<Integer> {

  public static final int EXIT_READY = Cli.EXIT_OK;
  public static final int EXIT_NOT_READY = Cli.EXIT_FAILED;
  public static final int EXIT_USAGE = Cli.EXIT_USAGE;
  public static final int EXIT_NO_CLIENT = Cli.EXIT_NO_CLIENT;

  @Option(names = {"-j", "--json"}, description = "print GET /status of the admin endpoint as JSON")
  boolean json;

  private final Io io;

  StatusCommand(Io io) {
    this.io = io;
  }

  static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
    return Cli.run("status", args, Io.of(env, out, err));
  }

  @Override
  public Integer call() {
    PrintStream out = io.out();
    PrintStream err = io.err();
    String conf = conf(io);
    Optional<ClientConfig> config = load(io);
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
    out.print(json ? status.encodePrettily() + "\n" : StatusFormat.format(status, io.clock().get()));
    out.flush();
    return status.getJsonObject("ready", new JsonObject()).getBoolean("ready", false) ? EXIT_READY : EXIT_NOT_READY;
  }
}
