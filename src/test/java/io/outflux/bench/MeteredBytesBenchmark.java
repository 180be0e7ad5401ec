package io.outflux.bench;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdDictDecompress;
import io.outflux.transport.DictionaryTrainer;
import io.outflux.transport.ZstdDictionary;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.zip.GZIPOutputStream;

/**
 * Bytes on the wire per line (bench/metered-bytes.sh), not a test: Telegraf-like lines of one site
 * (cpu per core and total, mem, disk, diskio, net, system every 10 s, values printed the way Telegraf
 * prints them) cut into batches of 10, 100, 1,000 and 5,000 lines (a 10-line batch is what a stream
 * or a slow site's interval sends), compressed with no encoding, gzip levels 1 and 6, zstd level 1,
 * and zstd level 1 with a dictionary of 16, 32 and 64 KiB trained the way the client trains it
 * ({@link DictionaryTrainer}: each line a sample, the site's first 2 MiB of lines, never the measured
 * ones) and compressed through the client's own path ({@link ZstdDictionary#compress}). Prints bytes
 * per line and the compressing thread's CPU time per line (median of 5 passes), and checks that
 * every dictionary body decodes back with the server's decoder setup (ZstdInputStream + setDict).
 */
public final class MeteredBytesBenchmark {

  private record Codec(String name, Function<byte[], byte[]> compress) {
  }

  public static void main(String[] args) throws Exception {
    int total = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    SiteLines site = new SiteLines(42);
    // the dictionaries are trained on the site's first lines (what the client sends first), never on the measured ones
    List<byte[]> earlier = new ArrayList<>();
    long earlierBytes = 0;
    while (earlierBytes < DictionaryTrainer.TRAIN_AFTER + 65_536) {
      byte[] line = site.next();
      earlier.add(line);
      earlierBytes += line.length;
    }
    int[] sizes = {16 << 10, 32 << 10, 64 << 10};
    List<ZstdDictionary> dictionaries = new ArrayList<>();
    for (int size : sizes) {
      DictionaryTrainer trainer = new DictionaryTrainer(size);
      for (List<byte[]> batch : chunks(earlier, 100)) {
        if (trainer.add(Buffer.buffer(concat(batch)))) {
          break;
        }
      }
      long t0 = System.nanoTime();
      ZstdDictionary d = trainer.train();
      System.out.printf("dictionary %d KiB: %s, trained on %,d bytes of lines in %d ms%n", size >> 10, d.id(),
          trainer.sampled(), (System.nanoTime() - t0) / 1_000_000);
      dictionaries.add(d);
    }
    List<byte[]> lines = new ArrayList<>();
    long rawBytes = 0;
    for (int i = 0; i < total; i++) {
      byte[] line = site.next();
      lines.add(line);
      rawBytes += line.length;
    }
    System.out.printf("%,d Telegraf-like lines of one site, %.1f bytes per line on average%n", total,
        rawBytes / (double) total);
    List<Codec> codecs = new ArrayList<>(List.of(
        new Codec("none", b -> b),
        new Codec("gzip 1", b -> gzip(b, 1)),
        new Codec("gzip 6", b -> gzip(b, 6)),
        new Codec("zstd 1", b -> Zstd.compress(b, 1))));
    for (ZstdDictionary d : dictionaries) {
      codecs.add(new Codec("zstd 1 + dict " + (d.size() >> 10) + " KiB", b -> d.compress(Buffer.buffer(b)).getBytes()));
    }
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    int[] pers = {10, 100, 1_000, 5_000};
    System.out.printf("%-24s %8s %12s %12s %12s %12s%n", "", "", "10 lines", "100 lines", "1,000 lines", "5,000 lines");
    for (Codec codec : codecs) {
      StringBuilder bytesRow = new StringBuilder(String.format("%-24s %8s", codec.name, "B/line"));
      StringBuilder cpuRow = new StringBuilder(String.format("%-24s %8s", "", "CPU µs"));
      for (int per : pers) {
        List<byte[]> batches = batches(lines, per);
        // warm-up, then the median of 5 timed passes
        for (byte[] b : batches) {
          codec.compress.apply(b);
        }
        double[] nsPerLine = new double[5];
        long wire = 0;
        for (int pass = 0; pass < nsPerLine.length; pass++) {
          long t0 = cpu.getCurrentThreadCpuTime();
          long bytes = 0;
          for (byte[] b : batches) {
            bytes += codec.compress.apply(b).length;
          }
          nsPerLine[pass] = (cpu.getCurrentThreadCpuTime() - t0) / (double) total;
          wire = bytes;
        }
        Arrays.sort(nsPerLine);
        bytesRow.append(String.format(" %12.1f", wire / (double) total));
        cpuRow.append(String.format(" %12.2f", nsPerLine[2] / 1000));
      }
      System.out.println(bytesRow);
      System.out.println(cpuRow);
    }
    // every dictionary body decodes back the way the server decodes it (a check of the measurement)
    for (ZstdDictionary d : dictionaries) {
      ZstdDictDecompress server = new ZstdDictDecompress(d.bytes());
      for (byte[] sample : List.of(batches(lines, 10).get(0), batches(lines, 5_000).get(0))) {
        byte[] packed = d.compress(Buffer.buffer(sample)).getBytes();
        byte[] back = new com.github.luben.zstd.ZstdInputStream(new java.io.ByteArrayInputStream(packed)).setDict(server)
            .readAllBytes();
        if (!Arrays.equals(sample, back)) {
          throw new IllegalStateException("zstd with dictionary " + d + " did not round-trip");
        }
      }
    }
  }

  private static List<List<byte[]>> chunks(List<byte[]> lines, int per) {
    List<List<byte[]>> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i += per) {
      out.add(lines.subList(i, Math.min(lines.size(), i + per)));
    }
    return out;
  }

  private static byte[] concat(List<byte[]> lines) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    lines.forEach(b::writeBytes);
    return b.toByteArray();
  }

  private static List<byte[]> batches(List<byte[]> lines, int per) {
    List<byte[]> out = new ArrayList<>();
    ByteArrayOutputStream b = new ByteArrayOutputStream(per * 200);
    int n = 0;
    for (byte[] line : lines) {
      b.writeBytes(line);
      if (++n == per) {
        out.add(b.toByteArray());
        b.reset();
        n = 0;
      }
    }
    if (n > 0) {
      out.add(b.toByteArray());
    }
    return out;
  }

  private static byte[] gzip(byte[] b, int level) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(b.length / 4);
    try (GZIPOutputStream gz = new GZIPOutputStream(out, 8192) {
      {
        def.setLevel(level);
      }
    }) {
      gz.write(b);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toByteArray();
  }

  /**
   * One site's Telegraf output: every 10 s, cpu0..cpu3 and cpu-total, mem, disk (two mounts),
   * diskio (two devices), net (two interfaces) and system, with values that drift like real ones
   * and floats printed in full the way Telegraf prints them.
   */
  static final class SiteLines {
    private final Random random;
    private final List<String> pending = new ArrayList<>();
    private long ts = 1_700_000_000_000_000_000L;
    private long counter = 1_000_000;
    private double load = 0.5;

    SiteLines(long seed) {
      this.random = new Random(seed);
    }

    byte[] next() {
      if (pending.isEmpty()) {
        tick();
      }
      return (pending.remove(pending.size() - 1) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private double pct() {
      return random.nextDouble() * 100 / (1 + random.nextInt(8));
    }

    private void tick() {
      ts += 10_000_000_000L;
      counter += random.nextInt(50_000);
      load = Math.max(0, load + random.nextGaussian() * 0.05);
      String host = "host=plc-gw-07,site=factory-eu-12";
      for (String c : new String[] {"cpu0", "cpu1", "cpu2", "cpu3", "cpu-total"}) {
        pending.add("cpu,cpu=" + c + "," + host + " usage_guest=0,usage_guest_nice=0,usage_idle=" + (100 - pct())
            + ",usage_iowait=" + pct() / 10 + ",usage_irq=0,usage_nice=0,usage_softirq=" + pct() / 20
            + ",usage_steal=0,usage_system=" + pct() + ",usage_user=" + pct() + " " + ts);
      }
      long used = 3_000_000_000L + random.nextInt(500_000_000);
      pending.add("mem," + host + " active=" + (used / 2) + "i,available=" + (8_000_000_000L - used)
          + "i,available_percent=" + (100.0 * (8_000_000_000L - used) / 8_000_000_000L) + ",buffered="
          + random.nextInt(300_000_000) + "i,cached=" + (1_000_000_000L + random.nextInt(100_000_000))
          + "i,free=" + (4_000_000_000L - used / 2) + "i,total=8000000000i,used=" + used + "i,used_percent="
          + (100.0 * used / 8_000_000_000L) + " " + ts);
      for (String[] d : new String[][] {{"/", "sda1", "ext4"}, {"/data", "sdb1", "xfs"}}) {
        long free = 50_000_000_000L - counter * 10;
        pending.add("disk,device=" + d[1] + ",fstype=" + d[2] + "," + host + ",mode=rw,path=" + d[0] + " free=" + free
            + "i,inodes_free=" + (3_000_000 - counter / 1000) + "i,inodes_total=3276800i,inodes_used="
            + (276_800 + counter / 1000) + "i,total=107374182400i,used=" + (107_374_182_400L - free)
            + "i,used_percent=" + (100.0 * (107_374_182_400L - free) / 107_374_182_400L) + " " + ts);
      }
      for (String dev : new String[] {"sda", "sdb"}) {
        pending.add("diskio,host=plc-gw-07,name=" + dev + ",site=factory-eu-12 io_time=" + counter / 3 + "i,iops_in_progress="
            + random.nextInt(4) + "i,merged_reads=" + counter / 7 + "i,merged_writes=" + counter / 5 + "i,read_bytes="
            + counter * 4096 + "i,read_time=" + counter / 11 + "i,reads=" + counter / 2 + "i,weighted_io_time="
            + counter / 2 + "i,write_bytes=" + counter * 8192 + "i,write_time=" + counter / 9 + "i,writes=" + counter
            + "i " + ts);
      }
      for (String nic : new String[] {"eth0", "wlan0"}) {
        pending.add("net," + host + ",interface=" + nic + " bytes_recv=" + counter * 1500 + "i,bytes_sent="
            + counter * 900 + "i,drop_in=0i,drop_out=0i,err_in=0i,err_out=0i,packets_recv=" + counter + "i,packets_sent="
            + (counter * 3 / 5) + "i " + ts);
      }
      pending.add("system," + host + " load1=" + load + ",load15=" + (load * 0.8) + ",load5=" + (load * 0.9)
          + ",n_cpus=4i,n_users=1i,uptime=" + (ts / 1_000_000_000L - 1_699_000_000L) + "i " + ts);
      java.util.Collections.reverse(pending);
    }
  }
}
