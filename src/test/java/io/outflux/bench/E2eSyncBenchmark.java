package io.outflux.bench;

import io.outflux.client.ClientConfig;
import io.outflux.demo.TelegrafLikeLines;
import io.outflux.influxd.FreePorts;
import io.outflux.influxd.InfluxdOptions;
import io.outflux.influxd.InfluxdProcess;
import io.outflux.server.ServerConfig;
import io.outflux.spool.CheckpointStore;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;

/**
 * End-to-end backlog sync benchmark (bench/e2e-sync.sh), not a test. N Telegraf-like lines already
 * in the spool are synced by a client JVM through a server JVM into a fresh database of a private
 * influxd; in the same run the same lines are written straight into the same influxd with a sweep of
 * direct configurations (5,000 and 10,000 lines per POST, 4 and 8 concurrent, gzip off and on), and
 * outflux is compared with the best of them. Reports CPU seconds per million lines and peak RSS of
 * the client JVM, the server JVM and influxd (from /proc), per run and as the median of the runs.
 *
 * <p>outflux runs with the product's defaults; knobs (environment): {@code BENCH_CLIENT} and
 * {@code BENCH_SERVER} are JSON merged into the client's and the server's config, e.g.
 * {@code BENCH_CLIENT='{"sync":{"maxInFlight":4}}'}; shortcuts {@code BENCH_IN_FLIGHT},
 * {@code BENCH_BATCH_LINES}, {@code BENCH_WRITES} (server {@code influx.maxConcurrentWrites});
 * {@code BENCH_RUNS} (default 3); {@code BENCH_JFR=DIR} records a JFR of both JVMs per run;
 * {@code BENCH_SWEEP=quick} only the default direct configuration (4 x 5,000 lines, no gzip);
 * {@code BENCH_WARM_LINES} (default: as many as measured) synced by the same JVMs before the measured
 * lines are appended; {@code BENCH_KEEP} keeps the JVMs' logs; {@code BENCH_LAYOUT} {@code shared}, {@code pinned} or {@code both} (default).
 */
public final class E2eSyncBenchmark {

  private record Direct(int linesPerPost, int concurrent, boolean gzip) {
    @Override
    public String toString() {
      return String.format("%d x %,d lines%s", concurrent, linesPerPost, gzip ? " gzip" : "");
    }
  }

  private record Cost(double rate, double clientCpu, double serverCpu, double influxCpu, double clientRss,
                      double serverRss, double influxRss, double lines, String clientThreads, String serverThreads,
                      double clientJit, double serverJit) {
  }

  /**
   * Lines synced by the same two JVMs before the measured lines are appended to the spool
   * (BENCH_WARM_LINES, default: as many as are measured; 0 measures fresh JVMs). A fresh JVM spends its
   * first tens of seconds compiling the hot paths (the JIT's threads were a third or more of each JVM's
   * CPU over a whole 1,000,000-line run on two loaded cores), a one-time cost of a process that runs
   * for months: the measured pass is the steady state. Its JIT share is still printed.
   */
  private static final String WARM_LINES = System.getenv().getOrDefault("BENCH_WARM_LINES", "");

  /**
   * Where the processes run (BENCH_LAYOUT: {@code shared}, {@code pinned} or {@code both}, the default).
   * shared: every process on every core, as the machine schedules them. pinned: influxd on the first
   * half of the cores, the direct writer (this JVM) and outflux's client and server on the other half,
   * so the direct write and outflux face the same influxd with the same cores, and outflux's own CPU
   * does not come out of influxd's: as in a deployment, where the client runs at the edge and the
   * server on its own machine. On one shared machine the ratio is a comparison of CPU budgets instead
   * (docs/performance.md).
   */
  private enum Layout { SHARED, PINNED }

  private static final int CPUS = Runtime.getRuntime().availableProcessors();

  /** The cores influxd gets in the pinned layout; the rest run the direct writer and outflux. */
  private static String influxdCpus() {
    return CPUS < 2 ? "0" : "0-" + (CPUS / 2 - 1);
  }

  private static String outfluxCpus() {
    return CPUS < 2 ? "0" : (CPUS / 2) + "-" + (CPUS - 1);
  }

  private static String allCpus() {
    return "0-" + (CPUS - 1);
  }

  /** Sets the CPU affinity of every thread of a process (threads started later inherit it). */
  static void pin(long pid, String cpus) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("taskset", "-a", "-c", "-p", cpus, Long.toString(pid))
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException("taskset -a -c -p " + cpus + " " + pid + " failed (exit " + p.exitValue() + ")");
    }
  }

  public static void main(String[] args) throws Exception {
    int total = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int runs = Integer.parseInt(System.getenv().getOrDefault("BENCH_RUNS", "3"));
    Path jar = Path.of(System.getProperty("outflux.jar", "target/outflux.jar"));
    Path dir = Files.createTempDirectory("outflux-bench-");
    String jfr = System.getenv("BENCH_JFR");
    List<Direct> sweep = new ArrayList<>();
    if ("quick".equals(System.getenv("BENCH_SWEEP"))) {
      sweep.add(new Direct(5_000, 4, false));
    } else {
      for (int per : new int[] {5_000, 10_000}) {
        for (int conc : new int[] {4, 8}) {
          for (boolean gz : new boolean[] {false, true}) {
            sweep.add(new Direct(per, conc, gz));
          }
        }
      }
    }
    List<Layout> layouts = switch (System.getenv().getOrDefault("BENCH_LAYOUT", "both")) {
      case "shared" -> List.of(Layout.SHARED);
      case "pinned" -> List.of(Layout.PINNED);
      case "both" -> List.of(Layout.SHARED, Layout.PINNED);
      default -> throw new IllegalArgumentException("BENCH_LAYOUT must be shared, pinned or both");
    };
    int warm = WARM_LINES.isBlank() ? total : Integer.parseInt(WARM_LINES);
    try (InfluxdProcess influxd = InfluxdProcess.start(InfluxdOptions.defaults())) {
      TelegrafLikeLines gen = new TelegrafLikeLines("bench-01", 1_700_000_000_000_000_000L);
      Path spoolTemplate = dir.resolve("lines.lp");
      writeLines(spoolTemplate, gen, total);
      // the warm-up lines are other points (another host and time); their database is dropped before the measured pass
      Path warmTemplate = dir.resolve("warm.lp");
      writeLines(warmTemplate, new TelegrafLikeLines("bench-warm", 1_600_000_000_000_000_000L), warm);
      System.out.printf("%,d lines measured, %.1f MB, after %,d warm-up lines synced by the same JVMs (BENCH_WARM_LINES);"
          + " %d run(s) per layout %s; %d cores; influxd pid %d%n", total, Files.size(spoolTemplate) / 1e6, warm, runs,
          layouts, CPUS, influxd.pid());
      Map<Integer, List<byte[]>> plain = Map.of(5_000, blocks(gen, total, 5_000), 10_000, blocks(gen, total, 10_000));
      Map<Integer, List<byte[]>> gzipped = Map.of(5_000, gzip(plain.get(5_000)), 10_000, gzip(plain.get(10_000)));
      List<String> summaries = new ArrayList<>();
      for (Layout layout : layouts) {
        long self = ProcessHandle.current().pid();
        pin(influxd.pid(), layout == Layout.PINNED ? influxdCpus() : allCpus());
        pin(self, layout == Layout.PINNED ? outfluxCpus() : allCpus());
        System.out.printf("%n==== layout %s: %s%n", layout.name().toLowerCase(java.util.Locale.ROOT),
            layout == Layout.PINNED ? "influxd on CPUs " + influxdCpus() + "; the direct writer, the client and the server on CPUs "
                + outfluxCpus() : "every process on every core (CPUs " + allCpus() + ")");
        summaries.add(layout.name().toLowerCase(java.util.Locale.ROOT) + ": "
            + runLayout(layout, jar, dir, influxd, spoolTemplate, warmTemplate, warm, total, runs, jfr, sweep, plain, gzipped));
      }
      pin(ProcessHandle.current().pid(), allCpus());
      System.out.printf("%n==== summary (%s)%n", load());
      summaries.forEach(System.out::println);
    } finally {
      if (System.getenv("BENCH_KEEP") == null) {
        deleteTree(dir);
      } else {
        System.out.println("kept the logs and configs in " + dir + " (BENCH_KEEP)");
      }
    }
  }

  private static void writeLines(Path file, TelegrafLikeLines gen, int lines) throws IOException {
    try (OutputStream all = Files.newOutputStream(file)) {
      for (int from = 0; from < lines; from += 5_000) {
        all.write(gen.block(from, Math.min(lines, from + 5_000)));
      }
    }
  }

  /** The runs of one layout; prints each and the medians, returns the median line. */
  private static String runLayout(Layout layout, Path jar, Path dir, InfluxdProcess influxd, Path spoolTemplate,
                                  Path warmTemplate, int warm, int total, int runs, String jfr, List<Direct> sweep,
                                  Map<Integer, List<byte[]>> plain, Map<Integer, List<byte[]>> gzipped) throws Exception {
    double[] ratios = new double[runs];
    List<Cost> costs = new ArrayList<>();
    double[] bestDirect = new double[runs];
    double[] directInfluxCpu = new double[runs];
    String tag = layout.name().toLowerCase(java.util.Locale.ROOT);
    for (int run = 0; run < runs; run++) {
      System.out.printf("%n-- %s run %d of %d (%s)%n", tag, run + 1, runs, load());
      double best = 0;
      Direct bestConfig = null;
      double bestInfluxCpu = 0;
      for (Direct d : sweep) {
        String db = "direct";
        influxd.createDatabase(db);
        double cpu0 = ProcStat.cpuSeconds(influxd.pid());
        double rate = direct(influxd.url(), db, d.gzip ? gzipped.get(d.linesPerPost) : plain.get(d.linesPerPost),
            d.concurrent, d.gzip, total);
        double cpu = ProcStat.cpuSeconds(influxd.pid()) - cpu0;
        influxd.query("DROP DATABASE " + db);
        System.out.printf("direct %-22s %,9.0f lines/s   influxd %.2f CPU s per M lines%n", d, rate,
            cpu * 1e6 / total);
        if (rate > best) {
          best = rate;
          bestConfig = d;
          bestInfluxCpu = cpu * 1e6 / total;
        }
      }
      influxd.createDatabase("synced");
      Cost cost = outflux(jar, dir, influxd, spoolTemplate, warmTemplate, total, run + "-" + tag, jfr, layout);
      long stored = influxd.countPoints("synced");
      influxd.query("DROP DATABASE synced");
      // the best direct configuration once more after outflux: neither side alone pays a cold or a warm influxd
      influxd.createDatabase("direct");
      double again = direct(influxd.url(), "direct", bestConfig.gzip ? gzipped.get(bestConfig.linesPerPost)
          : plain.get(bestConfig.linesPerPost), bestConfig.concurrent, bestConfig.gzip, total);
      influxd.query("DROP DATABASE direct");
      System.out.printf("direct %-22s %,9.0f lines/s (again, after outflux)%n", bestConfig, again);
      best = Math.max(best, again);
      bestDirect[run] = best;
      directInfluxCpu[run] = bestInfluxCpu;
      ratios[run] = cost.rate / best;
      costs.add(cost);
      System.out.printf("outflux                        %,9.0f lines/s = %.1f%% of the best direct (%s)%n",
          cost.rate, 100 * ratios[run], bestConfig);
      printCost(cost);
      System.out.printf("points in the synced database: %,d of %,d measured%s%n", stored, total,
          stored == total ? "" : "  MISSING");
    }
    System.out.printf("%n== %s: median of %d run(s) (%s)%n", tag, runs, load());
    String line = String.format("best direct %,.0f lines/s, outflux %,.0f lines/s, ratio %.1f%% (runs: %s; target >= 95%%)",
        median(bestDirect), median(costs.stream().mapToDouble(Cost::rate).toArray()), 100 * median(ratios),
        String.join(", ", Arrays.stream(ratios).mapToObj(r -> String.format("%.1f%%", 100 * r)).toList()));
    System.out.println(line);
    Cost med = new Cost(median(costs.stream().mapToDouble(Cost::rate).toArray()),
        median(costs.stream().mapToDouble(Cost::clientCpu).toArray()),
        median(costs.stream().mapToDouble(Cost::serverCpu).toArray()),
        median(costs.stream().mapToDouble(Cost::influxCpu).toArray()),
        median(costs.stream().mapToDouble(Cost::clientRss).toArray()),
        median(costs.stream().mapToDouble(Cost::serverRss).toArray()),
        median(costs.stream().mapToDouble(Cost::influxRss).toArray()), total, null, null,
        median(costs.stream().mapToDouble(Cost::clientJit).toArray()),
        median(costs.stream().mapToDouble(Cost::serverJit).toArray()));
    printCost(med);
    System.out.printf("influxd alone (best direct): %.2f CPU s per M lines%n", median(directInfluxCpu));
    return line + String.format("; CPU s per M lines client %.2f (%.0f%% of influxd's), server %.2f (%.0f%%), influxd %.2f",
        med.clientCpu, 100 * med.clientCpu / med.influxCpu, med.serverCpu, 100 * med.serverCpu / med.influxCpu,
        med.influxCpu);
  }

  private static void printCost(Cost c) {
    System.out.printf("CPU s per M lines: client %.2f (%.0f%% of influxd's), server %.2f (%.0f%%), influxd %.2f;"
            + " peak RSS MB: client %.0f, server %.0f, influxd %.0f%n",
        c.clientCpu, 100 * c.clientCpu / c.influxCpu, c.serverCpu, 100 * c.serverCpu / c.influxCpu, c.influxCpu,
        c.clientRss, c.serverRss, c.influxRss);
    System.out.printf("  without the JIT's compile threads (a fresh JVM's one-time cost): client %.2f (%.0f%% of influxd's),"
            + " server %.2f (%.0f%%); targets 25%% and 15%%%n", c.clientCpu - c.clientJit,
        100 * (c.clientCpu - c.clientJit) / c.influxCpu, c.serverCpu - c.serverJit,
        100 * (c.serverCpu - c.serverJit) / c.influxCpu);
    if (c.clientThreads != null) {
      System.out.println("  client CPU by thread: " + c.clientThreads);
      System.out.println("  server CPU by thread: " + c.serverThreads);
    }
  }

  static String load() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return "load " + f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "load ?";
    }
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static List<byte[]> blocks(TelegrafLikeLines gen, int total, int per) {
    List<byte[]> out = new ArrayList<>();
    for (int from = 0; from < total; from += per) {
      out.add(gen.block(from, Math.min(total, from + per)));
    }
    return out;
  }

  private static List<byte[]> gzip(List<byte[]> blocks) throws IOException {
    List<byte[]> out = new ArrayList<>();
    for (byte[] b : blocks) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(b.length / 4);
      try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
        gz.write(b);
      }
      out.add(bytes.toByteArray());
    }
    return out;
  }

  /** Writes the blocks straight into influxd from {@code concurrent} threads with keep-alive; lines/s. */
  static double direct(String url, String db, List<byte[]> blocks, int concurrent, boolean gzip, int total)
      throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    URI uri = URI.create(url + "/write?db=" + db);
    AtomicInteger next = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(concurrent);
    long start = System.nanoTime();
    List<Future<Void>> workers = new ArrayList<>();
    for (int t = 0; t < concurrent; t++) {
      workers.add(pool.submit(() -> {
        for (int i = next.getAndIncrement(); i < blocks.size(); i = next.getAndIncrement()) {
          HttpRequest.Builder req = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofByteArray(blocks.get(i)));
          if (gzip) {
            req.header("Content-Encoding", "gzip");
          }
          HttpResponse<String> res = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
          if (res.statusCode() / 100 != 2) {
            throw new IllegalStateException("direct write answered " + res.statusCode() + ": " + res.body());
          }
        }
        return null;
      }));
    }
    for (Future<Void> w : workers) {
      w.get();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    pool.shutdown();
    return total / seconds;
  }

  private static JsonObject knobs(String env) {
    String v = System.getenv(env);
    return v == null || v.isBlank() ? new JsonObject() : new JsonObject(v);
  }

  private static void put(JsonObject root, String section, String key, String env) {
    String v = System.getenv(env);
    if (v != null && !v.isBlank()) {
      JsonObject s = root.getJsonObject(section, new JsonObject());
      s.put(key, Integer.parseInt(v));
      root.put(section, s);
    }
  }

  /** Appends {@code from} to {@code to} with a copy inside the kernel. */
  private static void appendFile(Path from, Path to) throws IOException {
    try (java.nio.channels.FileChannel in = java.nio.channels.FileChannel.open(from, java.nio.file.StandardOpenOption.READ);
         java.nio.channels.FileChannel out = java.nio.channels.FileChannel.open(to, java.nio.file.StandardOpenOption.WRITE,
             java.nio.file.StandardOpenOption.APPEND)) {
      long size = in.size();
      for (long done = 0; done < size; ) {
        done += in.transferTo(done, size - done, out);
      }
    }
  }

  private static Cost outflux(Path jar, Path dir, InfluxdProcess influxd, Path template, Path warmTemplate, int total,
                              String run, String jfr, Layout layout) throws Exception {
    int port = FreePorts.next();
    Path spool = dir.resolve("spool-" + run + ".lp");
    Files.copy(warmTemplate, spool);
    JsonObject serverJson = new JsonObject()
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", port))
        .put("influx", new JsonObject().put("url", influxd.url()));
    put(serverJson, "influx", "maxConcurrentWrites", "BENCH_WRITES");
    serverJson = serverJson.mergeIn(knobs("BENCH_SERVER"), true);
    JsonObject clientJson = new JsonObject().put("clientId", "bench")
        .put("servers", new io.vertx.core.json.JsonArray().add("http://127.0.0.1:" + port))
        .put("influx", new JsonObject().put("username", "bench").put("password", "").put("database", "synced"))
        .put("spool", new JsonObject().put("path", spool.toString()));
    put(clientJson, "sync", "maxBatchLines", "BENCH_BATCH_LINES");
    put(clientJson, "sync", "maxInFlight", "BENCH_IN_FLIGHT");
    clientJson = clientJson.mergeIn(knobs("BENCH_CLIENT"), true);
    if (run.startsWith("0-")) {
      System.out.println("outflux settings (product defaults unless set in BENCH_CLIENT/BENCH_SERVER/BENCH_*):");
      System.out.println("  client config " + clientJson.encode());
      ClientConfig cc = ClientConfig.parse(clientJson.copy(), Map.of());
      System.out.println("  client sync " + cc.sync());
      System.out.println("  client transport " + cc.transport());
      System.out.println("  client JVM " + productJvmOptions("client") + " (conf/outflux.defaults unless BENCH_CLIENT_JAVA_OPTS)");
      System.out.println("  server config " + serverJson.encode());
      ServerConfig sc = ServerConfig.parse(serverJson.copy(), Map.of());
      System.out.println("  server http " + sc.front());
      System.out.println("  server influx " + sc.influx().toString().replaceAll("password=[^,)]*", "password=***"));
      System.out.println("  server JVM " + productJvmOptions("server") + " (conf/outflux.defaults unless BENCH_SERVER_JAVA_OPTS)");
    }
    Path serverConf = dir.resolve("server.json");
    Files.writeString(serverConf, serverJson.encodePrettily());
    Path clientConf = dir.resolve("client.json");
    Files.writeString(clientConf, clientJson.encodePrettily());
    Process server = jvm(jar, dir.resolve("server.log"), jfr, "server-r" + run, "server", "-conf", serverConf.toString());
    Process client = null;
    try {
      awaitPort(port, server);
      Path cpFile = Path.of(spool + ".checkpoint");
      CheckpointStore checkpoint = new CheckpointStore(cpFile);
      long warmSize = Files.size(spool);
      long size = Files.size(template);
      client = jvm(jar, dir.resolve("client.log"), jfr, "client-r" + run, "client", "-conf", clientConf.toString());
      String cpus = layout == Layout.PINNED ? outfluxCpus() : allCpus();
      pin(server.pid(), cpus);
      pin(client.pid(), cpus);
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
      if (warmSize > 0) {
        while (syncedOffset(checkpoint, cpFile) < warmSize) {
          alive(client, server, deadline, dir);
          Thread.sleep(20);
        }
        // the measured lines go into an empty database, as each direct write does: the warm-up's points
        // would otherwise be compacted by influxd in the background while outflux is measured
        influxd.query("DROP DATABASE synced");
        influxd.createDatabase("synced");
      }
      double[] cpu0 = {ProcStat.cpuSeconds(client.pid()), ProcStat.cpuSeconds(server.pid()),
          ProcStat.cpuSeconds(influxd.pid())};
      double[] sys0 = {ProcStat.sysSeconds(client.pid()), ProcStat.sysSeconds(server.pid())};
      Map<Long, ProcStat.ThreadCpu> clientThreads0 = ProcStat.threads(client.pid());
      Map<Long, ProcStat.ThreadCpu> serverThreads0 = ProcStat.threads(server.pid());
      long start = System.nanoTime();
      // the measured lines arrive as Telegraf's output would: appended to the spool the client tails (copied by
      // the kernel, not through a 180 MB array). The append is in the measured window and costs the outflux
      // side's CPU about a second per million lines here (printed): a direct write never pays it
      appendFile(template, spool);
      System.out.printf("  (the measured lines were appended to the spool in %d ms)%n", (System.nanoTime() - start) / 1_000_000);
      while (syncedOffset(checkpoint, cpFile) < warmSize + size) {
        alive(client, server, deadline, dir);
        Thread.sleep(10);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      double perM = 1e6 / total;
      double clientCpu = ProcStat.cpuSeconds(client.pid()) - cpu0[0];
      double serverCpu = ProcStat.cpuSeconds(server.pid()) - cpu0[1];
      var clientThreads = ProcStat.threads(client.pid());
      var serverThreads = ProcStat.threads(server.pid());
      return new Cost(total / seconds, clientCpu * perM, serverCpu * perM,
          (ProcStat.cpuSeconds(influxd.pid()) - cpu0[2]) * perM,
          ProcStat.peakRssMb(client.pid()), ProcStat.peakRssMb(server.pid()), ProcStat.peakRssMb(influxd.pid()),
          total, kernel(ProcStat.sysSeconds(client.pid()) - sys0[0], clientCpu)
              + ProcStat.breakdown(clientThreads0, clientThreads, clientCpu),
          kernel(ProcStat.sysSeconds(server.pid()) - sys0[1], serverCpu)
              + ProcStat.breakdown(serverThreads0, serverThreads, serverCpu),
          ProcStat.seconds(clientThreads0, clientThreads, "CompilerThre") * perM,
          ProcStat.seconds(serverThreads0, serverThreads, "CompilerThre") * perM);
    } finally {
      if (client != null) {
        client.destroy();
        client.waitFor(20, TimeUnit.SECONDS);
      }
      server.destroy();
      server.waitFor(20, TimeUnit.SECONDS);
      Files.deleteIfExists(spool);
      Files.deleteIfExists(Path.of(spool + ".checkpoint"));
      if (System.getenv("BENCH_KEEP") != null) {
        for (String log : new String[] {"server.log", "client.log"}) {
          Files.move(dir.resolve(log), dir.resolve(run + "-" + log), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  private static void alive(Process client, Process server, long deadline, Path dir) {
    if (!client.isAlive() || !server.isAlive()) {
      throw new IllegalStateException((client.isAlive() ? "the server" : "the client") + " exited; see " + dir);
    }
    if (System.nanoTime() > deadline) {
      throw new IllegalStateException("not synced within 10 minutes; see " + dir);
    }
  }

  private static String kernel(double sys, double total) {
    return String.format("(%.0f%% in the kernel) ", 100 * sys / Math.max(total, 0.01));
  }

  /** The client's synced offset; 0 before its first save (the file may be preallocated but empty). */
  static long syncedOffset(CheckpointStore checkpoint, Path file) {
    try {
      return Files.exists(file) ? checkpoint.load().synced().offset() : 0;
    } catch (RuntimeException notYet) {
      return 0;
    }
  }

  /**
   * The JVM options bin/outflux gives a role ({@code CLIENT_JAVA_OPTS} / {@code SERVER_JAVA_OPTS} of
   * conf/outflux.defaults), so the benchmark measures the product as installed; {@code BENCH_CLIENT_JAVA_OPTS}
   * / {@code BENCH_SERVER_JAVA_OPTS} replace them.
   */
  static List<String> productJvmOptions(String role) throws IOException {
    String override = System.getenv("BENCH_" + role.toUpperCase(java.util.Locale.ROOT) + "_JAVA_OPTS");
    if (override == null) {
      return io.outflux.testing.ProductJvm.options(role);
    }
    return override.isBlank() ? List.of() : List.of(override.trim().split("\\s+"));
  }

  private static Process jvm(Path jar, Path log, String jfr, String name, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    cmd.addAll(productJvmOptions(args[0]));
    if (jfr != null && !jfr.isBlank()) {
      Files.createDirectories(Path.of(jfr));
      cmd.add("-XX:StartFlightRecording=settings=profile,filename=" + Path.of(jfr, name + ".jfr").toAbsolutePath());
    }
    cmd.addAll(List.of("-jar", jar.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putIfAbsent("MALLOC_ARENA_MAX", "2"); // as bin/outflux exports it
    return pb.start();
  }

  static void awaitPort(int port, Process p) throws Exception {
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
