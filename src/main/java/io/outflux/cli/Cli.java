package io.outflux.cli;

import io.outflux.metrics.BuildInfo;
import java.io.PrintWriter;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The one command-line interface ({@code outflux <command> [options]}, picocli): one class per
 * subcommand, the same option rules, help and exit codes everywhere. {@code server} and
 * {@code client} hand over to the Vert.x launcher ({@link Launcher}); the other commands are plain
 * blocking programs that exit with their status.
 */
public final class Cli {

  public static final int EXIT_OK = 0;
  /** A check or command failed (each command's help says what that means for it). */
  public static final int EXIT_FAILED = 1;
  /** Bad command line or config: the message names the option, file or key. Nothing to retry. */
  public static final int EXIT_USAGE = 2;
  /** flush, status: the client's admin endpoint cannot be reached. */
  public static final int EXIT_NO_CLIENT = 3;
  /** server, client: a verticle failed to start (port in use, missing spool directory, ...). */
  public static final int EXIT_START_FAILED = 15;

  static final String DOCS = "Config keys: docs/configuration.md (installed: /usr/share/doc/outflux). "
      + "Operations, exit codes: docs/operations.md.";

  private static final String LAUNCHER_FOOTER = String.join("%n",
      "Any other option goes to the Vert.x launcher (--launcher-help lists them), e.g.:",
      "  -instances N                deploy N instances of the role",
      "  -options FILE|JSON          VertxOptions (event-loop and worker pool sizes, ...)",
      "  -cluster-host H, -cluster-port P, -cluster-public-host H, -cluster-public-port P",
      "                              the event bus address of a clustered server node (docs/cluster.md)",
      "Config keys and their environment variables: docs/configuration.md. Start-up failures print one line;",
      "--debug or OUTFLUX_LOG_LEVEL=DEBUG adds the stack trace. Service files and exit codes: docs/operations.md.");

  /** Starts a role in this JVM with the Vert.x launcher; returns false when it did not start (already reported). */
  @FunctionalInterface
  public interface Launcher {
    boolean launch(RunCommand.Request request);
  }

  @Command(name = "outflux", mixinStandardHelpOptions = true, versionProvider = Version.class,
      description = "Get every point from the edge to a central InfluxDB.",
      synopsisSubcommandLabel = "COMMAND",
      footerHeading = "%n",
      footer = {"Run 'outflux COMMAND --help' for a command's options. " + DOCS,
          "The jar also runs the Vert.x launcher directly: java -jar outflux.jar <client|server|verticle class> "
              + "-conf FILE [-cluster] [...]."},
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {"0:ok", "1:failed (the command says what)", "2:bad command line or config",
          "3:flush, status: the client's admin endpoint cannot be reached",
          "15:server, client: could not start (the one-line message says why)"})
  static final class Top implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
      throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }
  }

  /** Prints the build version for {@code --version}. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"outflux " + BuildInfo.version() + " (Java " + System.getProperty("java.version") + ")"};
    }
  }

  private Cli() {
  }

  /** The command tree; {@code launcher} runs {@code server} and {@code client}. */
  public static CommandLine commandLine(Io io, Launcher launcher) {
    CommandLine cli = new CommandLine(new Top());
    for (RunCommand.Role role : RunCommand.Role.values()) {
      CommandLine run = new CommandLine(new RunCommand(role, launcher, io));
      run.getCommandSpec().usageMessage().description(role.description).footer(LAUNCHER_FOOTER);
      // the launcher's options are single-dash words (-cluster-host, -instances): never split them into -c -l ...
      run.setPosixClusteredShortOptionsAllowed(false);
      cli.addSubcommand(role.shortName(), run);
    }
    cli.addSubcommand(new FlushCommand(io));
    cli.addSubcommand(new StatusCommand(io));
    cli.addSubcommand(new CheckCommand(io));
    cli.addSubcommand(new DeadLetterCommand(io));
    cli.addSubcommand(new CheckpointCommand(io));
    cli.addSubcommand(new LossCommand(io));
    cli.addSubcommand(new BackfillCommand(io));
    cli.addSubcommand(new DemoCommand(io));
    cli.addSubcommand(new VersionCommand(io));
    cli.addSubcommand("help", new CommandLine.HelpCommand());
    cli.setUsageHelpWidth(100);
    cli.setOut(new PrintWriter(io.out(), true));
    cli.setErr(new PrintWriter(io.err(), true));
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      cmd.getErr().println("outflux " + cmd.getCommandName() + ": " + e.getMessage());
      return EXIT_FAILED;
    });
    return cli;
  }

  /** Runs one command line; the exit status. */
  public static int execute(List<String> args, Io io, Launcher launcher) {
    return commandLine(io, launcher).execute(args.toArray(String[]::new));
  }

  /** Runs {@code outflux <command> args...} (tests call this for one command). */
  static int run(String command, List<String> args, Io io) {
    List<String> all = new java.util.ArrayList<>();
    all.add(command);
    all.addAll(args);
    return execute(all, io, request -> {
      throw new IllegalStateException("no launcher here");
    });
  }

  /** Whether {@code outflux.jar ARG ...} is this CLI (a command or a top-level option) rather than the launcher. */
  public static boolean handles(String firstArg) {
    return NAMES.contains(firstArg);
  }

  private static final Set<String> NAMES = Set.of("server", "client", "flush", "status", "check", "deadletter", "checkpoint", "loss",
      "backfill", "demo", "version", "help", "-h", "--help", "-V", "--version");
}
