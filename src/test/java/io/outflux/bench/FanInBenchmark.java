package io.outflux.bench;

import io.outflux.client.ClientBus;
import io.outflux.client.ClientVerticle;
import io.outflux.demo.TelegrafLikeLines;
import io.outflux.influxd.FreePorts;
import io.outflux.influxd.InfluxdOptions;
import io.outflux.influxd.InfluxdProcess;
import io.outflux.spool.Checkpoint;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.FileOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Fan-in (bench/fan-in.sh), not a test: many clients on loopback (each its own Vert.x instance in
 * this JVM, with its own spool; a third each interval 1 s, size 500 lines, streaming), each appended
 * to at a fixed rate, into one server JVM, then into two server JVMs (half the clients list one first,
 * half the other). Reports aggregate lines/s stored against the best direct write measured in the
 * same run, p50/p99 append-to-ack over all clients, and the server's CPU per line.
 * Usage: FanInBenchmark [--clients 200] [--rate 250] [--seconds 30] [--warmup 10]
 */
public final class FanInBenchmark {

  private record Append(long endOffset, long nanos) {
  }

  private static final class Site {
    final Path spool;
    final FileOutputStream out;
    final TelegrafLikeLines lines;
    final ConcurrentLinkedQueue<Append> appends = new ConcurrentLinkedQueue<>();
    final List<Long> delays = java.util.Collections.synchronizedList(new ArrayList<>());
    long offset;
    long next;
    Vertx vertx;

    Site(Path spool, String host) throws IOException {
      this.spool = spool;
      this.out = new FileOutputStream(spool.toFile(), true);
      this.lines = new TelegrafLikeLines(host, 1_700_000_000_000_000_000L);
    }
  }

  public static void main(String[] args) throws Exception {
    int clients = 200;
    int rate = 250;
    int seconds = 30;
    int warmup = 10;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--clients" -> clients = Integer.parseInt(args[++i]);
        case "--rate" -> rate = Integer.parseInt(args[++i]);
        case "--seconds" -> seconds = Integer.parseInt(args[++i]);
        case "--warmup" -> warmup = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    Path jar = Path.of(System.getProperty("outflux.jar", "target/outflux.jar"));
    Path dir = Files.createTempDirectory("outflux-fanin-");
    try (InfluxdProcess influxd = InfluxdProcess.start(InfluxdOptions.defaults())) {
      System.out.printf("fan-in: %d clients x %d lines/s = %,d lines/s offered, %d s warm-up + %d s measured%n",
          clients, rate, clients * rate, warmup, seconds);
      TelegrafLikeLines gen = new TelegrafLikeLines("direct", 1_600_000_000_000_000_000L);
      List<byte[]> blocks = new ArrayList<>();
      for (int from = 0; from < 500_000; from += 10_000) {
        blocks.add(gen.block(from, from + 10_000));
      }
      influxd.createDatabase("direct");
      double best = E2eSyncBenchmark.direct(influxd.url(), "direct", blocks, 8, false, 500_000);
      influxd.query("DROP DATABASE direct");
      System.out.printf("best direct (8 x 10,000 lines, same influxd): %,.0f lines/s%n", best);
      for (int nodes = 1; nodes <= 2; nodes++) {
        String db = "fanin" + nodes;
        influxd.createDatabase(db);
        phase(jar, dir.resolve("n" + nodes), influxd, db, nodes, clients, rate, seconds, warmup, best);
        influxd.query("DROP DATABASE " + db);
      }
    } finally {
      try (var paths = Files.walk(dir)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static void phase(Path jar, Path dir, InfluxdProcess influxd, String db, int nodes, int clients, int rate,
                            int seconds, int warmup, double best) throws Exception {
    Files.createDirectories(dir);
    List<Process> servers = new ArrayList<>();
    List<Integer> ports = new ArrayList<>();
    List<Site> sites = new ArrayList<>();
    try {
      for (int n = 0; n < nodes; n++) {
        int port = FreePorts.next();
        Path conf = dir.resolve("server-" + n + ".json");
        Files.writeString(conf, new JsonObject().put("http", new JsonObject().put("host", "127.0.0.1").put("port", port))
            .put("influx", new JsonObject().put("url", influxd.url())).encode());
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(E2eSyncBenchmark.productJvmOptions("server")); // as bin/outflux starts a server
        cmd.addAll(List.of("-jar", jar.toString(), "server", "-conf", conf.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
            .redirectOutput(dir.resolve("server-" + n + ".log").toFile());
        pb.environment().putIfAbsent("MALLOC_ARENA_MAX", "2");
        servers.add(pb.start());
        ports.add(port);
      }
      for (int n = 0; n < nodes; n++) {
        awaitPort(ports.get(n), servers.get(n));
      }
      for (int c = 0; c < clients; c++) {
        Site site = new Site(dir.resolve("spool-" + c + ".lp"), "site-" + c);
        site.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(2)
            .setInternalBlockingPoolSize(2));
        JsonArray list = new JsonArray();
        for (int n = 0; n < nodes; n++) {
          list.add("http://127.0.0.1:" + ports.get((c + n) % nodes));
        }
        JsonObject sync = switch (c % 3) {
          case 0 -> new JsonObject().put("rule", "interval").put("interval", "1s");
          case 1 -> new JsonObject().put("rule", "size").put("sizeLines", 500).put("interval", "5s");
          default -> new JsonObject().put("rule", "streaming");
        };
        Site s = site;
        site.vertx.eventBus().<Checkpoint>localConsumer(ClientBus.ACKED, msg -> {
          long now = System.nanoTime();
          long synced = msg.body().synced().offset();
          Append a;
          while ((a = s.appends.peek()) != null && a.endOffset() <= synced) {
            s.appends.poll();
            if (a.nanos() > 0) {
              s.delays.add(now - a.nanos());
            }
          }
        });
        site.vertx.deployVerticle(new ClientVerticle(), new DeploymentOptions().setConfig(new JsonObject()
                .put("clientId", "site-" + c).put("servers", list)
                .put("influx", new JsonObject().put("username", "bench").put("password", "").put("database", db))
                // only the streaming clients poll faster than the default (100 ms): 200 clients polling every
                // 20 ms were part of what saturated a 2-core machine (docs/performance.md)
                .put("spool", c % 3 == 2 ? new JsonObject().put("path", site.spool.toString()).put("pollInterval", "20ms")
                    : new JsonObject().put("path", site.spool.toString()))
                .put("sync", sync).put("admin", new JsonObject().put("enabled", false))))
            .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        sites.add(site);
      }
      // every client appends rate/10 lines every 100 ms, the clients spread evenly over the period
      int perAppend = Math.max(1, rate / 10);
      long period = TimeUnit.MILLISECONDS.toNanos(100);
      long start = System.nanoTime();
      long measureFrom = start + TimeUnit.SECONDS.toNanos(warmup);
      long end = measureFrom + TimeUnit.SECONDS.toNanos(seconds);
      double[] cpu0 = null;
      long points0 = 0;
      long t0 = 0;
      for (long tick = 0; ; tick++) {
        long tickAt = start + tick * period;
        if (tickAt >= end) {
          break;
        }
        if (cpu0 == null && tickAt >= measureFrom) {
          cpu0 = servers.stream().mapToDouble(p -> ProcStat.cpuSeconds(p.pid())).toArray();
          points0 = influxd.countPoints(db);
          t0 = System.nanoTime();
        }
        for (int c = 0; c < sites.size(); c++) {
          long due = tickAt + period * c / sites.size();
          long wait;
          while ((wait = due - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
          }
          Site s = sites.get(c);
          byte[] block = s.lines.block(s.next, s.next + perAppend);
          s.next += perAppend;
          s.out.write(block);
          s.offset += block.length;
          s.appends.add(new Append(s.offset, System.nanoTime() >= measureFrom ? System.nanoTime() : 0));
        }
      }
      double elapsed = (System.nanoTime() - t0) / 1e9;
      long points = influxd.countPoints(db) - points0;
      double[] cpu1 = servers.stream().mapToDouble(p -> ProcStat.cpuSeconds(p.pid())).toArray();
      double serverCpu = 0;
      for (int n = 0; n < nodes; n++) {
        serverCpu += cpu1[n] - cpu0[n];
      }
      List<Long> all = new ArrayList<>();
      for (Site s : sites) {
        synchronized (s.delays) {
          all.addAll(s.delays);
        }
      }
      long[] d = all.stream().mapToLong(Long::longValue).toArray();
      Arrays.sort(d);
      double stored = points / elapsed;
      System.out.printf("%d node(s): stored %,.0f lines/s of %,d offered (%.1f%% of the best direct %,.0f);"
              + " append-to-ack p50 %.0f ms, p99 %.0f ms over %,d appends; server CPU %.2f s per M lines (%s)%n",
          nodes, stored, clients * rate, 100 * stored / best, best, pct(d, 50), pct(d, 99), d.length,
          serverCpu * 1e6 / Math.max(1, points), load());
    } finally {
      for (Site s : sites) {
        s.out.close();
        s.vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
      for (Process p : servers) {
        p.destroy();
        p.waitFor(20, TimeUnit.SECONDS);
      }
    }
  }

  private static String load() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return "load " + f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "load ?";
    }
  }

  private static double pct(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int idx = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, idx))] / 1e6;
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

  private FanInBenchmark() {
  }
}
