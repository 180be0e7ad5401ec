package io.outflux.metrics;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Progress of a long operation (a flush, a backfill, a backlog catching up) as one human line:
 * {@code 12,345 lines (1.2 MiB) left, 3,400 lines/s (612.0 KiB/s), about 4 s left}. The rate is
 * measured over the last {@link #WINDOW} of samples, so it follows a link that speeds up or slows
 * down. Not thread-safe; the clock is injectable for tests.
 */
public final class ProgressLine {

  /** Samples older than this no longer count for the rate. */
  public static final Duration WINDOW = Duration.ofSeconds(30);

  private record Sample(long nanos, long lines, long bytes) {
  }

  private final LongSupplier nanoClock;
  private final ArrayDeque<Sample> samples = new ArrayDeque<>();

  public ProgressLine(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
  }

  public static ProgressLine systemClock() {
    return new ProgressLine(System::nanoTime);
  }

  /** Records what is done so far (cumulative counts, e.g. lines and bytes acknowledged). */
  public void sample(long linesDone, long bytesDone) {
    long now = nanoClock.getAsLong();
    samples.addLast(new Sample(now, linesDone, bytesDone));
    while (samples.size() > 2 && now - samples.peekFirst().nanos() > WINDOW.toNanos()) {
      samples.removeFirst();
    }
  }

  public double linesPerSecond() {
    return rate(Sample::lines);
  }

  public double bytesPerSecond() {
    return rate(Sample::bytes);
  }

  /** Time left for {@code bytesLeft} at the current byte rate; empty while there is no rate yet. */
  public Optional<Duration> eta(long bytesLeft) {
    if (bytesLeft <= 0) {
      return Optional.of(Duration.ZERO);
    }
    double rate = bytesPerSecond();
    if (rate <= 0) {
      return Optional.empty();
    }
    return Optional.of(Duration.ofMillis((long) Math.ceil(bytesLeft * 1000 / rate)));
  }

  /** Time left for {@code linesLeft} at the current line rate (where bytes are not known); empty without a rate. */
  public Optional<Duration> etaLines(long linesLeft) {
    if (linesLeft <= 0) {
      return Optional.of(Duration.ZERO);
    }
    double rate = linesPerSecond();
    return rate <= 0 ? Optional.empty() : Optional.of(Duration.ofMillis((long) Math.ceil(linesLeft * 1000 / rate)));
  }

  /** The whole backlog, lines estimated where not read yet: {@code about 412,000 lines (17.6 MiB) left (90,000 read, the rest estimated), ...}. */
  public String format(BacklogEstimate lines, long bytesLeft) {
    return format(lines.lineCount(), bytesLeft, lines.note());
  }

  /** e.g. {@code 12,345 lines (1.2 MiB) left, 3,400 lines/s (612.0 KiB/s), about 4 s left}. */
  public String format(long linesLeft, long bytesLeft) {
    return format(count(linesLeft) + " lines", bytesLeft, "");
  }

  private String format(String lines, long bytesLeft, String note) {
    StringBuilder sb = new StringBuilder();
    sb.append(lines).append(" (").append(bytes(bytesLeft)).append(") left").append(note);
    if (samples.size() >= 2) {
      sb.append(", ").append(count(Math.round(linesPerSecond()))).append(" lines/s (")
          .append(bytes(Math.round(bytesPerSecond()))).append("/s)");
    }
    sb.append(", ").append(eta(bytesLeft).map(d -> "about " + duration(d) + " left").orElse("time left unknown"));
    return sb.toString();
  }

  private double rate(java.util.function.ToLongFunction<Sample> value) {
    if (samples.size() < 2) {
      return 0;
    }
    Sample first = samples.peekFirst();
    Sample last = samples.peekLast();
    long nanos = last.nanos() - first.nanos();
    return nanos <= 0 ? 0 : Math.max(0, value.applyAsLong(last) - value.applyAsLong(first)) * 1e9 / nanos;
  }

  /** {@code 12,345} (see {@link Human#count}). */
  public static String count(long n) {
    return Human.count(n);
  }

  /** {@code 1.2 MiB} (see {@link Human#bytes}). */
  public static String bytes(long b) {
    return Human.bytes(b);
  }

  /** {@code 42 s}, {@code 3 min 05 s} (see {@link Human#duration}). */
  public static String duration(Duration d) {
    return Human.duration(d);
  }
}
