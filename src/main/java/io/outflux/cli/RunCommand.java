package io.outflux.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code outflux server} and {@code outflux client}: run a role in this JVM through the Vert.x
 * launcher. outflux's own options are parsed here; anything else (e.g. {@code -instances 2},
 * {@code -options vertx.json}, {@code -cluster-host 10.0.0.5}) goes to the launcher unchanged.
 */
@Command(mixinStandardHelpOptions = true, sortOptions = false,
    footerHeading = "%n",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:stopped cleanly (143 after SIGTERM, which the systemd units count as success)",
        "2:bad command line or config (one line naming the file and key; systemd does not restart it)",
        "15:could not start (one line naming the address, file or key, and what to do)"})
public final class RunCommand implements Callable<Integer> {

  /** Which role, with its help text. */
  public enum Role {
    SERVER("a central server node: takes batches from edge clients and writes them to InfluxDB"),
    CLIENT("the edge client: tails the Telegraf spool and syncs it to the outflux server");

    final String description;

    Role(String description) {
      this.description = description;
    }

    public String shortName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** What to launch: the launcher's arguments, with -conf and -cluster in its own spelling. */
  public record Request(Role role, Optional<String> conf, boolean cluster, boolean debug, List<String> launcherArgs) {

    /** {@code <role> -conf FILE [-cluster] [launcher options...]} as the Vert.x launcher reads it. */
    public List<String> argv() {
      List<String> argv = new ArrayList<>(List.of(role.shortName()));
      conf.ifPresent(c -> argv.addAll(List.of("-conf", c)));
      if (cluster) {
        argv.add("-cluster");
      }
      argv.addAll(launcherArgs);
      return argv;
    }
  }

  private final Role role;
  private final Cli.Launcher launcher;
  private final Io io;

  @Spec
  CommandSpec spec;

  @Option(names = {"-c", "--conf", "-conf"}, paramLabel = "FILE", order = 1,
      description = "config (JSON, or inline JSON); default: $OUTFLUX_CONF_DIR/<role>.json, else conf/<role>.json "
          + "when it exists. Environment variables OUTFLUX_<ROLE>_<KEY> override keys.")
  String conf;

  @Option(names = {"--cluster", "-cluster"}, order = 2,
      description = "(server) join the Hazelcast cluster of server nodes (members in conf/cluster.xml, "
          + "or -Dvertx.hazelcast.config=FILE; see docs/cluster.md)")
  boolean cluster;

  @Option(names = "--debug", order = 3,
      description = "log at DEBUG and print the stack trace of a start-up failure")
  boolean debug;

  @Option(names = "--launcher-help", order = 4, description = "print the Vert.x launcher's own options and exit")
  boolean launcherHelp;

  @Unmatched
  List<String> launcherArgs = new ArrayList<>();

  public RunCommand(Role role, Cli.Launcher launcher, Io io) {
    this.role = role;
    this.launcher = launcher;
    this.io = io;
  }

  @Override
  public Integer call() {
    if (launcherHelp) {
      return launcher.launch(new Request(role, Optional.empty(), false, false, List.of("-h"))) ? Cli.EXIT_OK
          : Cli.EXIT_FAILED;
    }
    if (cluster && role == Role.CLIENT) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--cluster is for server nodes");
    }
    Optional<String> file = Optional.ofNullable(conf);
    if (file.isEmpty() && Files.isRegularFile(Path.of(io.defaultConf(role.shortName())))) {
      file = Optional.of(io.defaultConf(role.shortName()));
    }
    boolean started = launcher.launch(new Request(role, file, cluster, debug, List.copyOf(launcherArgs)));
    return started ? Cli.EXIT_OK : Cli.EXIT_START_FAILED;
  }
}
