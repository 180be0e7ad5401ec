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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code outflux deadletter list|show|replay}: what was quarantined and why, one record in full,
 * and replay of selected records into the spool once their cause is fixed (docs/deadletter.md).
 * A plain blocking program: it reads the files named by the client config and never talks to the
 * running client; the client picks replayed lines up from the spool like any other.
 */
public final class DeadLetterCommand {

  public static final int EXIT_OK = 0;
  public static final int EXIT_SKIPPED = 1;
  public static final int EXIT_USAGE = 2;

  static final String USAGE = """
      usage: outflux deadletter list   [--conf FILE] [--reason TEXT] [--stage STAGE] [N...]
             outflux deadletter show   [--conf FILE] N...
             outflux deadletter replay [--conf FILE] (N... | --reason TEXT | --stage STAGE | --all)
                                       [--fix-crlf] [--dry-run]
        N: record numbers as 'list' prints them; --reason: case-insensitive substring of the reason;
        --stage: validation, oversized or influxdb. Replay appends the lines to the spool and marks
        the records replayed (<deadLetter>.replayed), so they are not replayed twice.""";

  private static final int PREVIEW = 72;

  private DeadLetterCommand() {
  }

  public static void main(String[] args) {
    System.exit(run(List.of(args), System.getenv(), System.out, System.err));
  }

  private record Args(String action, String conf, Selection selection, boolean fixCrlf, boolean dryRun) {
  }

  static int run(List<String> argv, Map<String, String> env, PrintStream out, PrintStream err) {
    Args args;
    try {
      args = parse(argv);
    } catch (IllegalArgumentException e) {
      err.println("outflux deadletter: " + e.getMessage() + "\n" + USAGE);
      return EXIT_USAGE;
    }
    if (args == null) {
      out.println(USAGE);
      return EXIT_OK;
    }
    Optional<ClientConfig> loaded = CommandConfig.load(args.conf(), env, err);
    if (loaded.isEmpty()) {
      return EXIT_USAGE;
    }
    ClientConfig config = loaded.get();
    Path deadLetter = config.spool().deadLetter();
    try {
      switch (args.action()) {
        case "list":
          return list(deadLetter, args.selection(), out);
        case "show":
          return show(deadLetter, args.selection(), out, err);
        default:
          return replay(config, args, out, err);
      }
    } catch (IOException e) {
      err.println("outflux deadletter: " + e.getMessage());
      return EXIT_SKIPPED;
    }
  }

  private static Args parse(List<String> argv) {
    if (argv.isEmpty() || argv.contains("-h") || argv.contains("--help")) {
      return null;
    }
    String action = argv.get(0);
    if (!Set.of("list", "show", "replay").contains(action)) {
      throw new IllegalArgumentException("unknown action " + action + " (list, show or replay)");
    }
    String conf = "conf/client.json";
    Set<Long> numbers = new TreeSet<>();
    Optional<String> reason = Optional.empty();
    Optional<String> stage = Optional.empty();
    boolean all = false;
    boolean fixCrlf = false;
    boolean dryRun = false;
    for (int i = 1; i < argv.size(); i++) {
      String a = argv.get(i);
      String name = a.contains("=") && a.startsWith("-") ? a.substring(0, a.indexOf('=')) : a;
      boolean takesValue = name.equals("--conf") || name.equals("-conf") || name.equals("--reason") || name.equals("--stage");
      String value = null;
      if (takesValue) {
        if (!name.equals(a)) {
          value = a.substring(name.length() + 1);
        } else if (i + 1 < argv.size()) {
          value = argv.get(++i);
        }
        if (value == null || value.isEmpty()) {
          throw new IllegalArgumentException(name + " needs a value");
        }
      }
      switch (name) {
        case "--conf", "-conf" -> conf = value;
        case "--reason" -> reason = Optional.of(value);
        case "--stage" -> stage = Optional.of(value);
        case "--all" -> all = true;
        case "--fix-crlf" -> fixCrlf = true;
        case "--dry-run" -> dryRun = true;
        default -> numbers.add(number(a));
      }
    }
    if (!action.equals("replay") && (fixCrlf || dryRun)) {
      throw new IllegalArgumentException("--fix-crlf and --dry-run are for replay");
    }
    Selection selection = new Selection(Set.copyOf(numbers), reason, stage, all);
    if (action.equals("show") && numbers.isEmpty()) {
      throw new IllegalArgumentException("show needs record numbers");
    }
    if (action.equals("replay") && !selection.explicit()) {
      throw new IllegalArgumentException("replay needs record numbers, --reason, --stage or --all");
    }
    return new Args(action, conf, selection, fixCrlf, dryRun);
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

  private static int replay(ClientConfig config, Args args, PrintStream out, PrintStream err) throws IOException {
    Replay replay = new Replay(config.spool().deadLetter(), config.spool().path(), config.influx().precision(),
        args.fixCrlf(), args.dryRun());
    Replay.Report report = replay.run(args.selection());
    out.println((args.dryRun() ? "would replay " : "replayed ") + report.replayedRecords() + " records ("
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
