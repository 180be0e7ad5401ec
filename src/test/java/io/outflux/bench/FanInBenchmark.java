package io.outflux.bench;

import static io.outflux.bench.StreamingLatencyBenchmark.pct;

import io.outflux.demo.TelegrafLikeLines;
import io.outflux.influxd.FreePorts;
import io.outflux.influxd.InfluxdOptions;
import io.outflux.influxd.InfluxdProcess;
import io.outflux.testing.ServerNode;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Fan-in (bench/fan-in.sh), not a test: many simulated sites ({@link FanInClient}: the wire protocol
 * of a version 2 client, no spool) in ONE load JVM on one Vert.x with a couple of event loops, a third
 * each interval 1 s, size 500 lines and streaming, each appending at a fixed rate, into one server
 * JVM, then two clustered server JVMs (each client lists them in turn, so half start on each). For
 * each per-client rate of {@code --rates} it reports the aggregate lines/s acknowledged against the
 * best direct write into the same influxd in the same run, p50/p99 append-to-ack, the CPU per
 * million lines of the server(s), influxd and the load generator itself, and the machine's load.
 * Usage: FanInBenchmark [--clients 200] [--rates 250] [--seconds 30] [--warmup 10] [--nodes 1,2]
 *        [--loops 2] [--instances N: the servers' http.instances, 0 = one per core; default: the product's]
 */
public final class FanInBenchmark {

  public static void main(String[] args) {
    try {
      run(args);
    } catch (Exception | Error e) {
      e.printStackTrace();
      System.exit(1); // never hang on a half-closed Vert.x while holding the machine's heavy-job lock
    }
    System.exit(0);
  }

  private static void run(String[] args) throws Exception {
    int clients = 200;
    int[] rates = {250};
    int[] nodeCounts = {1, 2};
    int seconds = 30;
    int warmup = 10;
    int loops = 2;
    Integer instances = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--clients" -> clients = Integer.parseInt(args[++i]);
        case "--rates", "--rate" -> rates = ints(args[++i]);
        case "--nodes" -> nodeCounts = ints(args[++i]);
        case "--seconds" -> seconds = Integer.parseInt(args[++i]);
        case "--warmup" -> warmup = Integer.parseInt(args[++i]);
        case "--loops" -> loops = Integer.parseInt(args[++i]);
        case "--instances" -> instances = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    Path jar = Path.of(System.getProperty("outflux.jar", "target/outflux.jar"));
    Path dir = Files.createTempDirectory("outflux-fanin-");
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops).setWorkerPoolSize(1)
        .setInternalBlockingPoolSize(1));
    try (InfluxdProcess influxd = InfluxdProcess.start(InfluxdOptions.defaults())) {
      System.out.printf("fan-in: %d clients (a third each interval 1 s, size 500, streaming) in one JVM on %d event"
          + " loop(s), rates %s lines/s per client, %d s warm-up + %d s measured; influxd pid %d (%s)%n",
          clients, loops, Arrays.toString(rates), warmup, seconds, influxd.pid(), E2eSyncBenchmark.load());
      double best = bestDirect(influxd);
      for (int nodes : nodeCounts) {
        Nodes servers = startServers(jar, dir.resolve("n" + nodes), influxd, nodes, instances);
        try {
          for (int rate : rates) {
            String db = "fanin_" + nodes + "_" + rate;
            influxd.createDatabase(db);
            phase(vertx, servers, influxd, db, nodes, clients, rate, seconds, warmup, best);
            influxd.query("DROP DATABASE " + db);
          }
        } finally {
          for (Process p : servers.processes()) {
            p.destroy();
            p.waitFor(20, TimeUnit.SECONDS);
          }
        }
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      if (System.getenv("BENCH_KEEP") != null) {
        System.out.println("server logs kept in " + dir + " (BENCH_KEEP)");
      } else {
        try (var paths = Files.walk(dir)) {
          paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }

  /** The best of a small direct sweep (5,000 and 10,000 lines per POST, 4 and 8 concurrent) into the same influxd. */
  private static double bestDirect(InfluxdProcess influxd) throws Exception {
    TelegrafLikeLines gen = new TelegrafLikeLines("direct", 1_600_000_000_000_000_000L);
    double best = 0;
    String bestConfig = "";
    for (int per : new int[] {5_000, 10_000}) {
      List<byte[]> blocks = new ArrayList<>();
      for (int from = 0; from < 500_000; from += per) {
        blocks.add(gen.block(from, from + per));
      }
      for (int conc : new int[] {4, 8}) {
        influxd.createDatabase("direct");
        double rate = E2eSyncBenchmark.direct(influxd.url(), "direct", blocks, conc, false, 500_000);
        influxd.query("DROP DATABASE direct");
        if (rate > best) {
          best = rate;
          bestConfig = conc + " x " + per + " lines";
        }
      }
    }
    System.out.printf("best direct write into the same influxd: %,.0f lines/s (%s, 500,000 lines)%n", best, bestConfig);
    return best;
  }

  /** Server JVMs as bin/outflux starts them; two or more form a cluster (ServerNode's Hazelcast config). */
  private static Nodes startServers(Path jar, Path dir, InfluxdProcess influxd, int nodes,
                                    Integer instances) throws Exception {
    Files.createDirectories(dir);
    ServerNode.Cluster cluster = nodes > 1 ? ServerNode.Cluster.of(nodes) : null;
    List<Process> servers = new ArrayList<>();
    List<Integer> ports = new ArrayList<>();
    for (int n = 0; n < nodes; n++) {
      int port = FreePorts.next();
      Path conf = dir.resolve("server-" + n + ".json");
      JsonObject http = new JsonObject().put("host", "127.0.0.1").put("port", port);
      if (instances != null) {
        http.put("instances", instances); // else the product's default
      }
      Files.writeString(conf, new JsonObject().put("http", http).put("influx", new JsonObject().put("url", influxd.url()))
          .encode());
      List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
      cmd.addAll(E2eSyncBenchmark.productJvmOptions("server")); // as bin/outflux starts a server
      if (cluster != null) {
        cmd.add("-Dvertx.hazelcast.config=" + cluster.xmlForGuest(cluster.memberPorts().get(n), dir));
      }
      cmd.addAll(List.of("-jar", jar.toString(), "server", "-conf", conf.toString()));
      if (cluster != null) {
        cmd.addAll(List.of("-cluster", "-cluster-host", "127.0.0.1"));
      }
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(dir.resolve("server-" + n + ".log").toFile());
      pb.environment().putIfAbsent("MALLOC_ARENA_MAX", "2");
      servers.add(pb.start());
      ports.add(port);
    }
    for (int n = 0; n < nodes; n++) {
      E2eSyncBenchmark.awaitPort(ports.get(n), servers.get(n));
    }
    return new Nodes(servers, ports);
  }

  private record Nodes(List<Process> processes, List<Integer> ports) {
  }

  private static void phase(Vertx vertx, Nodes nodeList, InfluxdProcess influxd, String db, int nodes,
                            int clients, int rate, int seconds, int warmup, double best) throws Exception {
    List<Process> servers = nodeList.processes();
    FanInClient.Totals totals = new FanInClient.Totals();
    List<FanInClient> sims = new ArrayList<>();
    List<String> deployments = new ArrayList<>();
    String loadBefore = E2eSyncBenchmark.load();
    for (int c = 0; c < clients; c++) {
      List<URI> list = new ArrayList<>();
      for (int n = 0; n < nodes; n++) {
        list.add(URI.create("http://127.0.0.1:" + nodeList.ports().get((c + n) % nodes)));
      }
      FanInClient sim = new FanInClient(c, FanInClient.Rule.values()[c % 3], rate, list, db, totals);
      sims.add(sim);
      deployments.add(vertx.deployVerticle(sim, new DeploymentOptions().setThreadingModel(ThreadingModel.EVENT_LOOP))
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS));
    }
    long self = ProcessHandle.current().pid();
    Thread.sleep(TimeUnit.SECONDS.toMillis(warmup)); // a benchmark's fixed warm-up, not a wait for a condition
    double[] cpu0 = cpu(servers, influxd.pid(), self);
    long failures0 = totals.failures.get();
    long dropped0 = totals.droppedLines.get();
    long t0 = System.nanoTime();
    totals.measureFrom = t0;
    totals.measureTo = t0 + TimeUnit.SECONDS.toNanos(seconds);
    Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
    double[] cpu1 = cpu(servers, influxd.pid(), self);
    long dropped = totals.droppedLines.get() - dropped0;
    double elapsed = (System.nanoTime() - t0) / 1e9;
    String loadAfter = E2eSyncBenchmark.load();
    for (String d : deployments) {
      vertx.undeploy(d).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    long[] d = sims.stream().flatMapToLong(s -> Arrays.stream(s.delays, 0, s.delayCount)).sorted().toArray();
    long acked = totals.ackedLines.get();
    double stored = acked / elapsed;
    double perM = 1e6 / Math.max(1, acked);
    double server = 0;
    for (int n = 0; n < nodes; n++) {
      server += cpu1[n] - cpu0[n];
    }
    double influx = cpu1[nodes] - cpu0[nodes];
    double gen = cpu1[nodes + 1] - cpu0[nodes + 1];
    System.out.printf("%d node(s), %d x %d lines/s: acked %,.0f lines/s of %,d offered (%.1f%% of the best direct"
            + " %,.0f); append-to-ack p50 %.0f ms, p99 %.0f ms (%,d appends); CPU s per M lines: server %.2f,"
            + " influxd %.2f, load generator %.2f; CPU in cores: server %.2f, influxd %.2f, generator %.2f;"
            + " %d failures/retries; %s -> %s%n",
        nodes, clients, rate, stored, clients * rate, 100 * stored / best, best, pct(d, 50), pct(d, 99), d.length,
        server * perM, influx * perM, gen * perM, server / elapsed, influx / elapsed, gen / elapsed,
        totals.failures.get() - failures0, loadBefore, loadAfter);
    StringBuilder byRule = new StringBuilder("  append-to-ack p50/p99 by rule:");
    for (FanInClient.Rule r : FanInClient.Rule.values()) {
      long[] dr = sims.stream().filter(s -> s.rule == r).flatMapToLong(s -> Arrays.stream(s.delays, 0, s.delayCount))
          .sorted().toArray();
      byRule.append(String.format(" %s %.0f/%.0f ms", r.name().toLowerCase(java.util.Locale.ROOT), pct(dr, 50),
          pct(dr, 99)));
    }
    System.out.println(byRule + (dropped == 0 ? "" : String.format("; %,.0f lines/s NOT appended (a client's"
        + " backlog reached 5,000 lines: saturated)", dropped / elapsed)));
    if (!totals.why.isEmpty()) {
      System.out.println("  failures/retries over the whole phase: " + totals.why);
    }
  }

  private static double[] cpu(List<Process> servers, long influxd, long self) {
    double[] out = new double[servers.size() + 2];
    for (int n = 0; n < servers.size(); n++) {
      out[n] = ProcStat.cpuSeconds(servers.get(n).pid());
    }
    out[servers.size()] = ProcStat.cpuSeconds(influxd);
    out[servers.size() + 1] = ProcStat.cpuSeconds(self);
    return out;
  }

  private static int[] ints(String csv) {
    return Arrays.stream(csv.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
  }

  private FanInBenchmark() {
  }
}
