package io.outflux.cli;

import io.outflux.admin.AdminVerticle;
import io.outflux.client.ClientConfig;
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
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code outflux flush [-c FILE] [-t 30s] [--force] [--progress]}: asks the running client (through
 * its local admin endpoint, found in the same config file) to send everything in the spool now, and
 * waits until the server acknowledged all of it. A send paused on refused credentials is tried
 * again at once. While it waits it shows progress ({@link FlushProgress}).
 */
@Command(name = "flush", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Ask the running client to send everything in the spool now; exits 0 once the server has "
        + "acknowledged all of it (stored in InfluxDB).",
        "A client paused on refused credentials tries them again at once."},
    footerHeading = "%n", footer = Cli.DOCS,
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:flushed", "1:not flushed (the reason is printed: timeout, server down, credentials refused)",
        "2:bad command line or config", "3:the client's admin endpoint cannot be reached (is the client running?)"})
public final class FlushCommand extends ClientConfOption implements Callable<Integer> {

  public static final int EXIT_OK = Cli.EXIT_OK;
  public static final int EXIT_NOT_FLUSHED = Cli.EXIT_FAILED;
  public static final int EXIT_USAGE = Cli.EXIT_USAGE;
  public static final int EXIT_NO_CLIENT = Cli.EXIT_NO_CLIENT;

  @Spec
  CommandSpec spec;

  @Option(names = {"-t", "--timeout"}, paramLabel = "DURATION", converter = Durations.class, defaultValue = "30s",
      description = "how long to wait for the acknowledgement (default ${DEFAULT-VALUE})")
  Duration timeout;

  @Option(names = {"-f", "--force"}, description = "also send outside the metered link's transfer windows "
      + "(link.windows, link.interface)")
  boolean force;

  @Option(names = {"-p", "--progress"}, description = "redraw a progress line every second (default on a terminal)")
  boolean progress;

  private final Io io;

  FlushCommand(Io io) {
    this.io = io;
  }

  static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
    return Cli.run("flush", args, Io.of(env, out, err));
  }

  @Override
  public Integer call() {
    if (timeout.isZero() || timeout.isNegative()) {
      throw new ParameterException(spec.commandLine(), "--timeout must be positive");
    }
    PrintStream err = io.err();
    Optional<ClientConfig> loaded = load(io);
    if (loaded.isEmpty()) {
      return EXIT_USAGE;
    }
    Optional<AdminClient> admin = AdminClient.of(loaded.get(), conf(io), "flush", err);
    if (admin.isEmpty()) {
      return EXIT_USAGE;
    }
    if (admin.get().checkClient("flush", err).isPresent()) {
      return EXIT_NO_CLIENT;
    }
    return flush(admin.get(), timeout, force, progress || System.console() != null, io.out(), err);
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

}
