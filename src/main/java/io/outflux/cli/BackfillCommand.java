package io.outflux.cli;

import io.outflux.backfill.Backfill;
import io.outflux.backfill.InfluxQuery;
import io.outflux.client.ClientConfig;
import io.outflux.config.Units;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code outflux backfill --from T1 [--to T2] [--measurement M] [--window 1h] [--verify] [--dry-run]}:
 * copies a time range from the edge's own InfluxDB (config section {@code edge}) into the spool,
 * so the running client syncs it centrally (docs/backfill.md). A plain blocking program.
 */
@Command(name = "backfill", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Copy a time range from the edge's own InfluxDB (config section edge) into the spool, window by "
        + "window, so the running client syncs it centrally (docs/backfill.md).",
        "TIME: 2026-11-28T10:00:00Z, 2026-11-28 (midnight UTC), now, or now-DURATION (now-24h)."},
    footerHeading = "%n", footer = Cli.DOCS,
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:done", "1:an InfluxDB query or the spool failed (the message says which)",
        "2:bad command line or config"})
public final class BackfillCommand extends ClientConfOption implements Callable<Integer> {

  public static final int EXIT_OK = Cli.EXIT_OK;
  public static final int EXIT_FAILED = Cli.EXIT_FAILED;
  public static final int EXIT_USAGE = Cli.EXIT_USAGE;

  @Spec
  CommandSpec spec;

  @Option(names = {"-f", "--from"}, paramLabel = "TIME", required = true, description = "start of the range")
  String fromText;

  @Option(names = {"-t", "--to"}, paramLabel = "TIME", defaultValue = "now", description = "end (default ${DEFAULT-VALUE})")
  String toText;

  @Option(names = {"-m", "--measurement"}, paramLabel = "M", description = "only this measurement")
  String measurementName;

  @Option(names = {"-w", "--window"}, paramLabel = "DURATION", converter = Durations.class, defaultValue = "1h",
      description = "query window (default ${DEFAULT-VALUE}); memory is bounded by one window")
  Duration window;

  @Option(names = "--verify", description = "compare per-window counts with the central InfluxDB (config section "
      + "central, a user that may read) and backfill only the windows that differ")
  boolean verify;

  @Option(names = {"-n", "--dry-run"}, description = "count what would be appended, append nothing")
  boolean dryRun;

  private final Io io;

  BackfillCommand(Io io) {
    this.io = io;
  }

  static int run(List<String> argv, Map<String, String> env, Instant now, PrintStream out, PrintStream err) {
    return Cli.run("backfill", argv, new Io(env, out, err, () -> now));
  }

  @Override
  public Integer call() {
    Instant now = io.clock().get();
    PrintStream out = io.out();
    PrintStream err = io.err();
    String conf = conf(io);
    Instant from;
    Instant to;
    try {
      from = time(fromText, now);
      to = time(toText, now);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    if (!from.isBefore(to)) {
      throw new ParameterException(spec.commandLine(), "--from " + from + " is not before --to " + to);
    }
    if (window.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new ParameterException(spec.commandLine(), "--window must be at least 1s");
    }
    Optional<String> measurement = Optional.ofNullable(measurementName);
    Optional<ClientConfig> loaded = load(io);
    if (loaded.isEmpty()) {
      return EXIT_USAGE;
    }
    ClientConfig config = loaded.get();
    if (config.edge().isEmpty()) {
      err.println("outflux backfill: " + conf + " has no \"edge\" section (url, username, password, database of the site's InfluxDB)");
      return EXIT_USAGE;
    }
    if (verify && config.central().isEmpty()) {
      err.println("outflux backfill: --verify needs a \"central\" section in " + conf
          + " (url, username, password of a central user that may read database " + config.influx().database() + ")");
      return EXIT_USAGE;
    }
    Backfill backfill = new Backfill(new InfluxQuery(config.edge().get()),
        verify ? config.central().map(InfluxQuery::new) : Optional.empty(),
        config.spool().path(), config.influx().precision(), out);
    try {
      Backfill.Report r = backfill.run(new Backfill.Range(from, to, window, measurement, dryRun));
      out.println((dryRun ? "would append " : "appended ") + r.points() + " points to " + config.spool().path() + " from "
          + r.windows() + " windows" + (verify ? " (" + r.windowsSkipped() + " already complete centrally)" : "")
          + (r.skippedRows() > 0 ? "; " + r.skippedRows() + " rows could not be lines (a string with a newline)" : ""));
      return EXIT_OK;
    } catch (IOException e) {
      err.println("outflux backfill: " + e.getMessage());
      return EXIT_FAILED;
    }
  }

  static Instant time(String value, Instant now) {
    if (value.equals("now")) {
      return now;
    }
    if (value.startsWith("now-")) {
      return now.minus(Units.parseDuration(value.substring(4)));
    }
    try {
      return value.length() == 10 ? LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("\"" + value + "\" is not a time (2026-11-28T10:00:00Z, 2026-11-28, now, now-24h)");
    }
  }
}
