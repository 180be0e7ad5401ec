package io.outflux.bench;

import io.outflux.demo.TelegrafLikeLines;
import io.outflux.influxd.FreePorts;
import io.outflux.influxd.InfluxdOptions;
import io.outflux.influxd.InfluxdProcess;
import io.outflux.spool.CheckpointStore;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * End-to-end backlog sync benchmark (bench/e2e-sync.sh), not a test: N Telegraf-like lines already
 * in the spool, synced by a client JVM through a server JVM into a fresh database, against writing
 * the same lines straight into the same influxd with 4 concurrent curl POSTs of 5,000 lines.
 */
public final class E2eSyncBenchmark {

  public static void main(String[] args) throws Exception {
    int total = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    Path jar = Path.of(System.getProperty("outflux.jar", "target/outflux.jar"));
    Path dir = Files.createTempDirectory("outflux-bench-");
    try (InfluxdProcess influxd = InfluxdProcess.start(InfluxdOptions.defaults())) {
      influxd.createDatabase("direct");
      influxd.createDatabase("direct2");
      influxd.createDatabase("synced");
      Path spool = dir.resolve("metrics.lp");
      Path chunks = Files.createDirectories(dir.resolve("chunks"));
      List<Path> chunkFiles = generate(total, spool, chunks);
      System.out.printf("%d lines, %.1f MB, %d chunks of 5,000 lines%n", total, Files.size(spool) / 1e6,
          chunkFiles.size());

      // direct before and after outflux, so neither side alone pays a cold or a warm influxd
      double before = curl(influxd.url(), "direct", chunkFiles, total);
      System.out.printf("direct (before): 4 concurrent curl POSTs: %.0f lines/s%n", before);
      double synced = outflux(jar, dir, influxd.url(), spool, total);
      System.out.printf("outflux: client + server: %.0f lines/s (from the first ack; JVM start-up excluded)%n",
          synced);
      double after = curl(influxd.url(), "direct2", chunkFiles, total);
      System.out.printf("direct (after): 4 concurrent curl POSTs: %.0f lines/s%n", after);
      double direct = Math.max(before, after);
      System.out.printf("ratio: %.1f%% of the better direct run (target >= 90%%)%n", 100 * synced / direct);
      long stored = influxd.countPoints("synced");
      System.out.printf("points in the synced database: %d of %d%n", stored, total);
    } finally {
      deleteTree(dir);
    }
  }

  private static List<Path> generate(int total, Path spool, Path chunks) throws IOException {
    TelegrafLikeLines lines = new TelegrafLikeLines("bench-01", 1_700_000_000_000_000_000L);
    List<Path> files = new ArrayList<>();
    try (OutputStream all = new BufferedOutputStream(Files.newOutputStream(spool), 1 << 20)) {
      for (int from = 0; from < total; from += 5_000) {
        byte[] block = lines.block(from, Math.min(total, from + 5_000));
        all.write(block);
        Path chunk = chunks.resolve(String.format("chunk-%05d.lp", from / 5_000));
        Files.write(chunk, block);
        files.add(chunk);
      }
    }
    return files;
  }

  private static double curl(String url, String db, List<Path> chunks, int total) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    long start = System.nanoTime();
    List<Future<Integer>> results = new ArrayList<>();
    for (Path chunk : chunks) {
      results.add(pool.submit(() -> new ProcessBuilder("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
          "-XPOST", url + "/write?db=" + db, "--data-binary", "@" + chunk).start().waitFor()));
    }
    for (Future<Integer> r : results) {
      if (r.get() != 0) {
        throw new IllegalStateException("curl failed");
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    pool.shutdown();
    return total / seconds;
  }

  private static double outflux(Path jar, Path dir, String influxUrl, Path spool, int total) throws Exception {
    int port = FreePorts.next();
    Path serverConf = dir.resolve("server.json");
    // knobs for tuning runs: BENCH_WRITES, BENCH_BATCH_LINES, BENCH_IN_FLIGHT (defaults as below)
    String writes = System.getenv().getOrDefault("BENCH_WRITES", "4");
    String batchLines = System.getenv().getOrDefault("BENCH_BATCH_LINES", "10000");
    String inFlight = System.getenv().getOrDefault("BENCH_IN_FLIGHT", "4");
    System.out.println("outflux settings: influx.maxConcurrentWrites " + writes + ", sync.maxBatchLines " + batchLines
        + ", sync.maxInFlight " + inFlight);
    Files.writeString(serverConf, "{\"http\":{\"host\":\"127.0.0.1\",\"port\":" + port + "},"
        + "\"influx\":{\"url\":\"" + influxUrl + "\",\"maxConcurrentWrites\":" + writes + "}}");
    Path clientConf = dir.resolve("client.json");
    Files.writeString(clientConf, "{\"clientId\":\"bench\",\"servers\":[\"http://127.0.0.1:" + port + "\"],"
        + "\"influx\":{\"username\":\"bench\",\"password\":\"\",\"database\":\"synced\"},"
        + "\"spool\":{\"path\":\"" + spool + "\",\"pollInterval\":\"20ms\"},"
        + "\"sync\":{\"rule\":\"interval\",\"interval\":\"100ms\",\"maxBatchLines\":" + batchLines
        + ",\"maxInFlight\":" + inFlight + "}}");
    Process server = jvm(jar, dir.resolve("server.log"), "server", "-conf", serverConf.toString());
    Process client = null;
    try {
      awaitPort(port, server);
      CheckpointStore checkpoint = new CheckpointStore(Path.of(spool + ".checkpoint"));
      long size = Files.size(spool);
      client = jvm(jar, dir.resolve("client.log"), "client", "-conf", clientConf.toString());
      long firstOffset = 0;
      long firstAt = 0;
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
      while (System.nanoTime() < deadline) {
        long offset = Files.exists(Path.of(spool + ".checkpoint")) ? checkpoint.load().synced().offset() : 0;
        if (firstAt == 0 && offset > 0) {
          firstAt = System.nanoTime();
          firstOffset = offset;
        }
        if (offset >= size) {
          double seconds = (System.nanoTime() - firstAt) / 1e9;
          double linesAfterFirst = total * (double) (size - firstOffset) / size;
          return linesAfterFirst / seconds;
        }
        Thread.sleep(20);
      }
      throw new IllegalStateException("not synced within 10 minutes; see " + dir);
    } finally {
      if (client != null) {
        client.destroy();
        client.waitFor(20, TimeUnit.SECONDS);
      }
      server.destroy();
      server.waitFor(20, TimeUnit.SECONDS);
    }
  }

  private static Process jvm(Path jar, Path log, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-jar", jar.toString()));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  private static void awaitPort(int port, Process p) throws Exception {
    for (int i = 0; i < 300; i++) {
      if (!p.isAlive()) {
        throw new IllegalStateException("server exited");
      }
      try (java.net.Socket s = new java.net.Socket(InetAddress.getLoopbackAddress(), port)) {
        return;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException("server did not listen");
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
