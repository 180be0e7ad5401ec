package io.outflux.lineprotocol;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Throughput of splitting and validating a spool chunk of Telegraf-like lines (about 180 bytes
 * each, cpu/mem/system/disk points as Telegraf's {@code outputs.file} writes them). The
 * {@code bytes} counter is reported per second; {@code bench/scanner.sh} turns it into MB/s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class LineScannerBenchmark {

  /** About 4 MB: a large read chunk, bigger than the L2 cache like a real file read. */
  private static final int TARGET_BYTES = 4 << 20;

  private byte[] chunk;
  private final LineScanner scanner = new LineScanner(Precision.NS);
  private final LineInfo info = new LineInfo();

  /** Bytes validated, per second once JMH normalises it. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Counters {
    public long bytes;
    public long lines;

    @Setup(Level.Iteration)
    public void reset() {
      bytes = 0;
      lines = 0;
    }
  }

  @Setup
  public void generate() {
    chunk = telegrafLines(TARGET_BYTES, new Random(42));
    // Validate once outside the measurement: a benchmark of rejected lines would be meaningless.
    int pos = 0;
    for (int nl; (nl = Newlines.indexOf(chunk, pos, chunk.length)) >= 0; pos = nl + 1) {
      if (scanner.scan(chunk, pos, nl, info) != LineKind.POINT) {
        throw new IllegalStateException("generated an invalid line: " + info.reason() + ": "
            + new String(chunk, pos, nl - pos, StandardCharsets.UTF_8));
      }
    }
  }

  @Benchmark
  public long scanChunk(Counters counters) {
    byte[] b = chunk;
    long timestamps = 0;
    int points = 0;
    int pos = 0;
    for (int nl; (nl = Newlines.indexOf(b, pos, b.length)) >= 0; pos = nl + 1) {
      if (scanner.scan(b, pos, nl, info) == LineKind.POINT) {
        points++;
        timestamps += info.timestamp();
      }
    }
    counters.bytes += b.length;
    counters.lines += points;
    return timestamps;
  }

  /** Lines shaped like Telegraf's cpu, mem, system and disk inputs, with varying values. */
  static byte[] telegrafLines(int targetBytes, Random random) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(targetBytes + 512);
    long time = 1_700_000_000_000_000_000L;
    StringBuilder sb = new StringBuilder(256);
    while (out.size() < targetBytes) {
      sb.setLength(0);
      String host = "edge-" + (1 + random.nextInt(40));
      switch (random.nextInt(4)) {
        case 0 -> sb.append("cpu,cpu=cpu").append(random.nextInt(8)).append(",host=").append(host)
            .append(" usage_user=").append(pct(random)).append(",usage_system=").append(pct(random))
            .append(",usage_idle=").append(pct(random)).append(",usage_iowait=").append(pct(random))
            .append(",usage_irq=0,usage_softirq=").append(pct(random))
            .append(",usage_steal=0,usage_guest=0");
        case 1 -> sb.append("mem,host=").append(host).append(" active=")
            .append(random.nextInt(1 << 30)).append("i,available=").append(random.nextInt(1 << 30))
            .append("i,available_percent=").append(pct(random)).append(",buffered=")
            .append(random.nextInt(1 << 24)).append("i,cached=").append(random.nextInt(1 << 30))
            .append("i,free=").append(random.nextInt(1 << 30)).append("i,used_percent=")
            .append(pct(random));
        case 2 -> sb.append("system,host=").append(host).append(" load1=").append(pct(random))
            .append(",load5=").append(pct(random)).append(",load15=").append(pct(random))
            .append(",n_cpus=8i,n_users=").append(random.nextInt(5)).append("i,uptime=")
            .append(random.nextInt(1 << 24)).append("i,uptime_format=\"")
            .append(random.nextInt(90)).append(" days, ").append(random.nextInt(24)).append(":")
            .append(10 + random.nextInt(50)).append("\"");
        default -> sb.append("disk,device=sda").append(1 + random.nextInt(4))
            .append(",fstype=ext4,host=").append(host).append(",mode=rw,path=/var/lib/data")
            .append(" free=").append(random.nextLong() >>> 30).append("i,inodes_free=")
            .append(random.nextInt(1 << 26)).append("i,used_percent=").append(pct(random))
            .append(",ro=false");
      }
      time += 10_000_000_000L;
      sb.append(' ').append(time).append('\n');
      out.writeBytes(sb.toString().getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }

  private static String pct(Random random) {
    return Double.toString(Math.round(random.nextDouble() * 100_000) / 1000.0);
  }
}
