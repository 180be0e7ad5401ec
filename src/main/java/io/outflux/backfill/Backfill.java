package io.outflux.backfill;

import io.outflux.lineprotocol.Precision;
import io.outflux.spool.SpoolAppender;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Reads a time range from the edge's InfluxDB window by window and appends it to the spool as
 * line protocol, like Telegraf would: the client syncs it with the usual guarantees, and points
 * already present centrally are overwritten with themselves. With a central source, each window's
 * per-field counts are compared first and only windows that differ are read.
 */
public final class Backfill {

  /** Rows per chunk of the edge's answer, and the most bytes appended to the spool at once. */
  static final int CHUNK_ROWS = 5_000;
  static final int BLOCK_BYTES = 256 * 1024;

  /** What to backfill. */
  public record Range(Instant from, Instant to, Duration window, Optional<String> measurement, boolean dryRun) {
  }

  /** What a backfill did. */
  public record Report(long windows, long windowsSkipped, long points, long skippedRows) {
  }

  private final InfluxQuery edge;
  private final Optional<InfluxQuery> central;
  private final Path spool;
  private final Precision precision;
  private final PrintStream log;
  private final java.util.function.LongSupplier nanoClock;

  public Backfill(InfluxQuery edge, Optional<InfluxQuery> central, Path spool, Precision precision, PrintStream log) {
    this(edge, central, spool, precision, log, System::nanoTime);
  }

  /** @param nanoClock the clock of the progress lines' rate and time left */
  public Backfill(InfluxQuery edge, Optional<InfluxQuery> central, Path spool, Precision precision, PrintStream log,
                  java.util.function.LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
    this.edge = edge;
    this.central = central;
    this.spool = spool;
    this.precision = precision;
    this.log = log;
  }

  public Report run(Range range) throws IOException {
    List<String> measurements = range.measurement().isPresent() ? List.of(range.measurement().get()) : measurements();
    long perMeasurement = Math.max(1, (Duration.between(range.from(), range.to()).toNanos() + range.window().toNanos() - 1)
        / range.window().toNanos());
    WindowProgress progress = new WindowProgress(measurements.size() * perMeasurement, nanoClock, log);
    long windows = 0;
    long skipped = 0;
    long points = 0;
    long bad = 0;
    for (String m : measurements) {
      MeasurementSchema schema = MeasurementSchema.read(edge, m);
      RowEncoder encoder = new RowEncoder(schema);
      for (Instant a = range.from(); a.isBefore(range.to()); a = a.plus(range.window())) {
        Instant b = min(a.plus(range.window()), range.to());
        String where = " WHERE time >= " + nanos(a) + " AND time < " + nanos(b);
        windows++;
        if (central.isPresent()) {
          Map<String, Long> here = counts(edge, m, where);
          Map<String, Long> there = counts(central.get(), m, where);
          if (here.equals(there) || here.isEmpty()) {
            skipped++;
            progress.windowDone(m, a, b, 0, points);
            continue;
          }
          log.println(m + " " + a + " .. " + b + ": edge " + here + ", central " + there + ": backfilling");
        }
        long[] counted = copyWindow(m, where, encoder, range.dryRun());
        points += counted[0];
        bad += counted[1];
        progress.windowDone(m, a, b, counted[0], points);
      }
    }
    return new Report(windows, skipped, points, bad);
  }

  /**
   * Re-sends one window of one measurement from the edge into the spool (the audit's repair).
   *
   * @return {points appended, rows that cannot be lines}
   */
  public long[] resend(String measurement, Instant from, Instant to) throws IOException {
    RowEncoder encoder = new RowEncoder(MeasurementSchema.read(edge, measurement));
    return copyWindow(measurement, " WHERE time >= " + nanos(from) + " AND time < " + nanos(to), encoder, false);
  }

  /** The edge's measurements. */
  public List<String> measurements() throws IOException {
    List<String> names = new ArrayList<>();
    for (InfluxQuery.Row row : edge.rows("SHOW MEASUREMENTS")) {
      names.add(row.values().getString(0));
    }
    return names;
  }

  /** Per-field point counts in a window (count(*) counts each field's non-null values). */
  private static Map<String, Long> counts(InfluxQuery influx, String measurement, String where) throws IOException {
    Map<String, Long> counts = new TreeMap<>();
    for (InfluxQuery.Row row : influx.rows("SELECT count(*) FROM " + InfluxQuery.identifier(measurement) + where)) {
      for (int i = 1; i < row.columns().size(); i++) {
        Object v = row.values().getValue(i);
        if (v instanceof Number n && n.longValue() > 0) {
          counts.put(row.columns().getString(i), n.longValue());
        }
      }
    }
    return counts;
  }

  /** Streams one window into the spool in blocks; returns {points, rows that cannot be lines}. */
  private long[] copyWindow(String measurement, String where, RowEncoder encoder, boolean dryRun) throws IOException {
    ByteArrayOutputStream block = new ByteArrayOutputStream();
    long[] counted = new long[2];
    try {
      edge.rows("SELECT * FROM " + InfluxQuery.identifier(measurement) + where, epoch(), CHUNK_ROWS, row -> {
        Optional<String> line = encoder.encode(row.columns(), row.values());
        if (line.isEmpty()) {
          counted[1]++;
          return;
        }
        block.writeBytes(line.get().getBytes(StandardCharsets.UTF_8));
        block.write('\n');
        counted[0]++;
        if (block.size() >= BLOCK_BYTES) {
          append(block, dryRun);
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    append(block, dryRun);
    return counted;
  }

  private void append(ByteArrayOutputStream block, boolean dryRun) {
    if (block.size() > 0 && !dryRun) {
      try {
        SpoolAppender.append(spool, block.toByteArray());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    block.reset();
  }

  /** InfluxQL's epoch parameter for the spool's precision (its write parameter says "n" for ns). */
  private String epoch() {
    return precision == Precision.NS ? "ns" : precision.v1Param();
  }

  private static long nanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }
}
