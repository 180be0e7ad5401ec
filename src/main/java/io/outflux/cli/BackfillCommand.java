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

/**
 * {@code outflux backfill --from T1 [--to T2] [--measurement M] [--window 1h] [--verify] [--dry-run]}:
 * copies a time range from the edge's own InfluxDB (config section {@code edge}) into the spool,
 * so the running client syncs it centrally (docs/backfill.md). A plain blocking program.
 */
public final class BackfillCommand {

  public static final int EXIT_OK = 0;
  public static final int EXIT_FAILED = 1;
  public static final int EXIT_USAGE = 2;

  static final String USAGE = """
      usage: outflux backfill --from TIME [--to TIME] [--measurement M] [--window 1h] [--verify] [--dry-run] [--conf FILE]
        TIME: 2026-11-28T10:00:00Z, 2026-11-28 (midnight UTC), now, or now-DURATION (now-24h); --to defaults to now.
        Reads the edge InfluxDB (config section edge) window by window and appends the points to the spool.
        --verify: compare per-window counts with the central InfluxDB (config section central, a user that may
        read) and backfill only the windows that differ.""";

  private BackfillCommand() {
  }

  public static void main(String[] args) {
    System.exit(run(List.of(args), System.getenv(), Instant.now(), System.out, System.err));
  }

  static int run(List<String> argv, Map<String, String> env, Instant now, PrintStream out, PrintStream err) {
    String conf = "conf/client.json";
    Instant from = null;
    Instant to = now;
    Duration window = Duration.ofHours(1);
    Optional<String> measurement = Optional.empty();
    boolean verify = false;
    boolean dryRun = false;
    try {
      for (int i = 0; i < argv.size(); i++) {
        String a = argv.get(i);
        String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
        switch (name) {
          case "--verify" -> verify = true;
          case "--dry-run" -> dryRun = true;
          case "-h", "--help" -> {
            out.println(USAGE);
            return EXIT_OK;
          }
          case "--conf", "-conf", "--from", "--to", "--window", "--measurement" -> {
            String value = !name.equals(a) ? a.substring(name.length() + 1) : i + 1 < argv.size() ? argv.get(++i) : "";
            if (value.isEmpty()) {
              throw new IllegalArgumentException(name + " needs a value");
            }
            switch (name) {
              case "--from" -> from = time(value, now);
              case "--to" -> to = time(value, now);
              case "--window" -> window = Units.parseDuration(value);
              case "--measurement" -> measurement = Optional.of(value);
              default -> conf = value;
            }
          }
          default -> throw new IllegalArgumentException("unknown argument " + a);
        }
      }
      if (from == null) {
        throw new IllegalArgumentException("--from is required");
      }
      if (!from.isBefore(to)) {
        throw new IllegalArgumentException("--from " + from + " is not before --to " + to);
      }
      if (window.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException("--window must be at least 1s");
      }
    } catch (IllegalArgumentException e) {
      err.println("outflux backfill: " + e.getMessage() + "\n" + USAGE);
      return EXIT_USAGE;
    }
    Optional<ClientConfig> loaded = CommandConfig.load(conf, env, err);
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
