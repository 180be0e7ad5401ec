package io.outflux.bench;

import io.outflux.demo.ChildJvm;
import io.outflux.demo.TelegrafLikeLines;
import io.outflux.influxd.FreePorts;
import io.outflux.influxd.InfluxdOptions;
import io.outflux.influxd.InfluxdProcess;
import io.outflux.spool.CheckpointStore;
import io.outflux.testing.ThrottlingProxy;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Slow-link benchmark (bench/slow-link.sh), not a test: a backlog of Telegraf-like lines synced by a
 * client JVM (product defaults) through a throttling TCP proxy on loopback (the same rate both ways)
 * to a server JVM and a private influxd. Prints, per link rate and gzip setting, the useful
 * throughput (line-protocol bytes of the spool acknowledged per second, from the first byte on the
 * link to the checkpoint reaching the spool's end) against the link's rate, the batches the server received and the points stored.
 * Knobs (environment): {@code BENCH_RATES} (bytes/s, default "100000,1000000"), {@code BENCH_SECONDS}
 * (backlog sized for about this long at the link's rate without gzip, default 60).
 */
public final class SlowLinkBenchmark {

  /**
   * @param received lines the server received in the run (more than {@code lines}: something was sent twice)
   * @param slowLink the client's log says "slow link"
   * @param cannotReach the client's log says "cannot reach" (it must not, over a slow but working link)
   */
  private record Result(long rate, boolean gzip, long bytes, double seconds, long points, long lines, long received,
                        boolean slowLink, boolean cannotReach) {
  }

  public static void main(String[] args) throws Exception {
    Path jar = Path.of(System.getProperty("outflux.jar", "target/outflux.jar"));
    String rates = System.getenv().getOrDefault("BENCH_RATES", "100000,1000000");
    int seconds = Integer.parseInt(System.getenv().getOrDefault("BENCH_SECONDS", "60"));
    Path dir = Files.createTempDirectory("outflux-slow-link");
    List<Result> results = new ArrayList<>();
    Vertx vertx = Vertx.vertx();
    try (InfluxdProcess influxd = InfluxdProcess.start(InfluxdOptions.defaults())) {
      int port = FreePorts.next();
      Path serverConf = Files.writeString(dir.resolve("server.json"), new JsonObject()
          .put("http", new JsonObject().put("host", "127.0.0.1").put("port", port))
          .put("influx", new JsonObject().put("url", influxd.url())).encode());
      try (ChildJvm server = ChildJvm.start("server", jar, dir.resolve("server.log"), "server", "-conf",
          serverConf.toString())) {
        server.awaitHttp("http://127.0.0.1:" + port + "/health", Duration.ofSeconds(60));
        for (String r : rates.split(",")) {
          long rate = Long.parseLong(r.trim());
          for (boolean gzip : new boolean[] {false, true}) {
            results.add(run(vertx, jar, dir, influxd, port, rate, gzip, seconds));
            Result last = results.get(results.size() - 1);
            System.out.printf("link %s/s, gzip %s: %,d bytes of line protocol in %.1f s = %.1f%% of the link; "
                    + "%,d of %,d points stored; %,d lines received by the server; log: slow link %s, cannot reach %s%n",
                kb(rate), gzip ? "on" : "off", last.bytes(), last.seconds(),
                100.0 * last.bytes() / last.seconds() / rate, last.points(), last.lines(), last.received(),
                last.slowLink() ? "yes" : "no", last.cannotReach() ? "yes" : "no");
          }
        }
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    System.out.println();
    System.out.println("| link (each way) | gzip | backlog | time | useful line protocol | of the link | points stored "
        + "| lines sent twice | log |");
    System.out.println("|---|---|---|---|---|---|---|---|---|");
    for (Result r : results) {
      System.out.printf("| %s/s | %s | %,d lines, %.1f MB | %.1f s | %s/s | %.0f%% | %,d of %,d | %,d | %s |%n",
          kb(r.rate()), r.gzip() ? "on" : "off", r.lines(), r.bytes() / 1e6, r.seconds(),
          kb((long) (r.bytes() / r.seconds())), 100.0 * r.bytes() / r.seconds() / r.rate(), r.points(), r.lines(),
          r.received() - r.lines(), (r.slowLink() ? "\"slow link\"" : "-") + (r.cannotReach() ? ", \"cannot reach\"" : ""));
    }
  }

  /** The server's count of lines received (its /metrics), to see whether anything was sent twice. */
  private static long linesReceived(int serverPort) throws Exception {
    java.net.http.HttpResponse<String> metrics = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + serverPort + "/metrics")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    double sum = 0;
    for (String line : metrics.body().split("\n")) {
      if (line.startsWith("outflux_server_lines_received")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return (long) sum;
  }

  private static String kb(long bytesPerSecond) {
    return bytesPerSecond >= 1_000_000 ? String.format("%.2f MB", bytesPerSecond / 1e6)
        : String.format("%.0f KB", bytesPerSecond / 1e3);
  }

  private static Result run(Vertx vertx, Path jar, Path dir, InfluxdProcess influxd, int serverPort, long rate,
                            boolean gzip, int seconds) throws Exception {
    String db = "slow_" + rate + (gzip ? "_gzip" : "");
    influxd.createDatabase(db);
    TelegrafLikeLines lines = new TelegrafLikeLines("bench-" + db, 1_700_000_000_000_000_000L);
    Path runDir = Files.createDirectories(dir.resolve(db));
    Path spool = runDir.resolve("metrics.lp");
    int total = (int) (rate * seconds / 180); // about 180 bytes a line
    Files.write(spool, lines.block(0, total));
    long size = Files.size(spool);
    long receivedBefore = linesReceived(serverPort);
    try (ThrottlingProxy link = ThrottlingProxy.start(vertx, serverPort, rate)) {
      JsonObject client = new JsonObject().put("clientId", "bench-" + db)
          .put("servers", new JsonArray().add("http://127.0.0.1:" + link.port()))
          .put("influx", new JsonObject().put("username", "bench").put("password", "").put("database", db))
          .put("spool", new JsonObject().put("path", spool.toString()))
          .put("transport", new JsonObject().put("gzip", gzip))
          .put("admin", new JsonObject().put("port", 0));
      Path conf = Files.writeString(runDir.resolve("client.json"), client.encodePrettily());
      Path cpFile = Path.of(spool + ".checkpoint");
      CheckpointStore checkpoint = new CheckpointStore(cpFile);
      try (ChildJvm jvm = ChildJvm.start("client", jar, runDir.resolve("client.log"), "client", "-conf",
          conf.toString())) {
        long firstAt = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds * 5L + 60);
        while (System.nanoTime() < deadline) {
          // from the first byte on the link (the client's start-up is not the link's) to the last ack
          if (firstAt == 0 && link.bytesUp() > 0) {
            firstAt = System.nanoTime();
          }
          long offset = Files.exists(cpFile) ? checkpoint.load().synced().offset() : 0;
          if (offset >= size) {
            double took = (System.nanoTime() - firstAt) / 1e9;
            String log = Files.readString(runDir.resolve("client.log"));
            return new Result(rate, gzip, size, took, influxd.countPoints(db), total,
                linesReceived(serverPort) - receivedBefore, log.contains("slow link"), log.contains("cannot reach"));
          }
          Thread.sleep(10);
        }
        throw new IllegalStateException("not synced in time; see " + runDir.resolve("client.log"));
      }
    }
  }
}
