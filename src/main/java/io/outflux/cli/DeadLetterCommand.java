package io.outflux.cli;

import io.outflux.client.ClientConfig;
import io.outflux.deadletter.DeadLetterReader;
import io.outflux.deadletter.DeadLetterRecord;
import io.outflux.deadletter.ReplayMarks;
import io.outflux.deadletter.Replay;
import io.outflux.deadletter.Selection;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code outflux deadletter list|show|replay}: what was quarantined and why, one record in full,
 * and replay of selected records into the spool once their cause is fixed (docs/deadletter.md).
 * A plain blocking program: it reads the files named by the client config and never talks to the
 * running client; the client picks replayed lines up from the spool like any other.
 */
@Command(name = "deadletter", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"List the lines the client quarantined and why, show records in full, or replay selected records "
        + "into the spool once their cause is fixed (docs/deadletter.md).",
        "Replay marks the records replayed (<deadLetter>.replayed), so they are not replayed twice."},
    footerHeading = "%n", footer = Cli.DOCS,
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:done", "1:some selected records were not replayed (each is named with the reason), "
        + "or a record number does not exist", "2:bad command line or config"})
public final class DeadLetterCommand extends ClientConfOption implements Callable<Integer> {

  public static final int EXIT_OK = Cli.EXIT_OK;
  public static final int EXIT_SKIPPED = Cli.EXIT_FAILED;
  public static final int EXIT_USAGE = Cli.EXIT_USAGE;

  private static final int PREVIEW = 72;

  /** What to do. */
  enum Action { list, show, replay }

  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "ACTION", description = "list, show or replay")
  Action action;

  @Parameters(index = "1..*", paramLabel = "N", description = "record numbers as 'list' prints them (1, 2, ... or #1)")
  List<String> numbers = new ArrayList<>();

  @Option(names = {"-r", "--reason"}, paramLabel = "TEXT", description = "records whose reason contains TEXT "
      + "(case-insensitive)")
  String reason;

  @Option(names = {"-s", "--stage"}, paramLabel = "STAGE", description = "records of one stage: validation, "
      + "oversized or influxdb")
  String stage;

  @Option(names = {"-a", "--all"}, description = "replay: every record")
  boolean all;

  @Option(names = "--fix-crlf", description = "replay: drop a carriage return before the newline (CRLF lines)")
  boolean fixCrlf;

  @Option(names = {"-n", "--dry-run"}, description = "replay: say what would be replayed, change nothing")
  boolean dryRun;

  private final Io io;

  DeadLetterCommand(Io io) {
    this.io = io;
  }

  static int run(List<String> argv, Map<String, String> env, PrintStream out, PrintStream err) {
    return Cli.run("deadletter", argv, Io.of(env, out, err));
  }

  @Override
  public Integer call() {
    Selection selection = selection();
    PrintStream out = io.out();
    PrintStream err = io.err();
    Optional<ClientConfig> loaded = load(io);
    if (loaded.isEmpty()) {
      return EXIT_USAGE;
    }
    ClientConfig config = loaded.get();
    Path deadLetter = config.spool().deadLetter();
    try {
      return switch (action) {
        case list -> list(deadLetter, selection, out);
        case show -> show(deadLetter, selection, out, err);
        case replay -> replay(config, selection, out, err);
      };
    } catch (IOException e) {
      err.println("outflux deadletter: " + e.getMessage());
      return EXIT_SKIPPED;
    }
  }

  private Selection selection() {
    Set<Long> picked = new TreeSet<>();
    try {
      numbers.forEach(n -> picked.add(number(n)));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    if (action != Action.replay && (fixCrlf || dryRun)) {
      throw new ParameterException(spec.commandLine(), "--fix-crlf and --dry-run are for replay");
    }
    Selection selection = new Selection(Set.copyOf(picked), Optional.ofNullable(reason), Optional.ofNullable(stage), all);
    if (action == Action.show && picked.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "show needs record numbers");
    }
    if (action == Action.replay && !selection.explicit()) {
      throw new ParameterException(spec.commandLine(), "replay needs record numbers, --reason, --stage or --all");
    }
    return selection;
  }

  private static long number(String a) {
    try {
      long n = Long.parseLong(a.startsWith("#") ? a.substring(1) : a);
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("unknown argument " + a + " (record numbers are 1, 2, ...)");
  }

  private static int list(Path deadLetter, Selection selection, PrintStream out) throws IOException {
    ReplayMarks marks = ReplayMarks.load(deadLetter);
    long[] counts = new long[3];
    out.println("dead letters in " + deadLetter + ":");
    DeadLetterReader.forEach(deadLetter, r -> {
      counts[0]++;
      if (!selection.matches(r)) {
        return;
      }
      counts[1]++;
      boolean replayed = marks.replayed(r);
      if (replayed) {
        counts[2]++;
      }
      out.printf("#%-6d %-24s %-10s %-9s %s%n         line: %s%n", r.number(), r.time(), r.stage(),
          replayed ? "replayed" : r.notReplayable().isPresent() ? "no-line" : "", r.reason(), preview(r));
    });
    out.println(counts[1] + " of " + counts[0] + " records shown, " + counts[2] + " of them replayed already");
    return EXIT_OK;
  }

  private static int show(Path deadLetter, Selection selection, PrintStream out, PrintStream err) throws IOException {
    ReplayMarks marks = ReplayMarks.load(deadLetter);
    Set<Long> missing = new TreeSet<>(selection.numbers());
    DeadLetterReader.forEach(deadLetter, r -> {
      if (!selection.matches(r)) {
        return;
      }
      missing.remove(r.number());
      out.println("#" + r.number() + (marks.replayed(r) ? " (replayed)" : "")
          + r.notReplayable().map(w -> " (cannot be replayed: " + w + ")").orElse(""));
      out.println(r.json().map(j -> j.encodePrettily()).orElse(r.text()));
    });
    if (!missing.isEmpty()) {
      err.println("outflux deadletter: no record " + missing + " in " + deadLetter);
      return EXIT_SKIPPED;
    }
    return EXIT_OK;
  }

  private int replay(ClientConfig config, Selection selection, PrintStream out, PrintStream err) throws IOException {
    Replay replay = new Replay(config.spool().deadLetter(), config.spool().path(), config.influx().precision(),
        fixCrlf, dryRun);
    Replay.Report report = replay.run(selection);
    out.println((dryRun ? "would replay " : "replayed ") + report.replayedRecords() + " records ("
        + report.replayedLines() + " lines) into " + config.spool().path() + "; " + report.alreadyReplayed()
        + " selected records were replayed before");
    report.skipped().forEach(s -> err.println("not replayed " + s));
    return report.skipped().isEmpty() ? EXIT_OK : EXIT_SKIPPED;
  }

  private static String preview(DeadLetterRecord r) {
    String text = new String(r.line(), StandardCharsets.UTF_8).replace("\r", "\\r");
    return text.length() <= PREVIEW ? text : text.substring(0, PREVIEW) + "...";
  }
}
