package io.outflux.bench;

import io.outflux.client.ClientBus;
import io.outflux.client.ClientVerticle;
import io.outflux.config.Units;
import io.outflux.demo.TelegrafLikeLines;
import io.outflux.server.ServerVerticle;
import io.outflux.spool.Checkpoint;
import io.outflux.testing.CentralInflux;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.FileOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Streaming latency (not a test; run by bench/streaming-latency.sh): appends Telegraf-like lines to
 * the spool at a steady rate, in small appends, with a real influxd, server and streaming client on
 * this machine, and measures for every append the delay until the client saw it acknowledged, i.e.
 * stored in InfluxDB (the acked checkpoint covers its last byte). Prints p50/p90/p99/max.
 *
 * <p>Arguments: {@code --rate 2000} lines/s, {@code --seconds 20} measured, {@code --warmup 5}
 * seconds, {@code --appends-per-second 200}, {@code --poll 5ms} (spool.pollInterval), {@code --gzip},
 * {@code --max-in-flight 4}, {@code --no-baseline} (skip the first phase, which times the same small writes straight into InfluxDB,
 * so the result can be read against what InfluxDB itself takes on this machine at this moment).
 */
public final class StreamingLatencyBenchmark {

  private record Append(long endOffset, long nanos) {
  }

  public static void main(String[] args) throws Exception {
    int rate = 2000;
    int seconds = 20;
    int warmup = 5;
    int appendsPerSecond = 200;
    String poll = "5ms";
    boolean gzip = false;
    boolean baseline = true;
    int maxInFlight = 4;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rate" -> rate = Integer.parseInt(args[++i]);
        case "--seconds" -> seconds = Integer.parseInt(args[++i]);
        case "--warmup" -> warmup = Integer.parseInt(args[++i]);
        case "--appends-per-second" -> appendsPerSecond = Integer.parseInt(args[++i]);
        case "--poll" -> poll = args[++i];
        case "--gzip" -> gzip = true;
        case "--no-baseline" -> baseline = false;
        case "--max-in-flight" -> maxInFlight = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    Units.parseDuration(poll);
    Path dir = Files.createTempDirectory("outflux-bench-");
    Path spool = dir.resolve("metrics.lp");
    Files.createFile(spool);
    try (CentralInflux central = CentralInflux.start()) {
      if (baseline) {
        baseline(central, rate, appendsPerSecond, Math.min(seconds, 10));
      }
      Vertx vertx = Vertx.vertx();
      try {
        run(vertx, central, spool, rate, seconds, warmup, appendsPerSecond, poll, gzip, maxInFlight);
      } finally {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    }
  }

  private static void run(Vertx vertx, CentralInflux central, Path spool, int rate, int seconds, int warmup,
                          int appendsPerSecond, String poll, boolean gzip, int maxInFlight) throws Exception {
    ServerVerticle server = new ServerVerticle();
    deploy(vertx, server, new JsonObject()
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0))
        .put("influx", new JsonObject().put("url", central.influxd.url())));
    ConcurrentLinkedQueue<Append> appends = new ConcurrentLinkedQueue<>();
    long[] delays = new long[(rate * (seconds + warmup + 5)) / Math.max(1, rate / appendsPerSecond) + 1000];
    int[] count = {0};
    long measureFrom = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmup);
    vertx.eventBus().<Checkpoint>localConsumer(ClientBus.ACKED, msg -> {
      long now = System.nanoTime();
      long synced = msg.body().synced().offset();
      Append a;
      while ((a = appends.peek()) != null && a.endOffset() <= synced) {
        appends.poll();
        if (a.nanos() >= measureFrom && count[0] < delays.length) {
          delays[count[0]++] = now - a.nanos();
        }
      }
    });
    deploy(vertx, new ClientVerticle(), new JsonObject()
        .put("clientId", "bench")
        .put("servers", new JsonArray().add("http://127.0.0.1:" + server.actualPort()))
        .put("influx", new JsonObject().put("username", CentralInflux.WRITER)
            .put("password", CentralInflux.WRITER_PASSWORD).put("database", CentralInflux.DB))
        .put("spool", new JsonObject().put("path", spool.toString()).put("pollInterval", poll))
        .put("sync", new JsonObject().put("rule", "streaming").put("maxInFlight", maxInFlight))
        .put("transport", new JsonObject().put("gzip", gzip))
        .put("admin", new JsonObject().put("enabled", false)));

    int linesPerAppend = Math.max(1, rate / appendsPerSecond);
    long periodNanos = TimeUnit.SECONDS.toNanos(1) * linesPerAppend / rate;
    TelegrafLikeLines lines = new TelegrafLikeLines("bench", System.currentTimeMillis() * 1_000_000L);
    long total = (long) rate * (seconds + warmup);
    System.out.printf("streaming latency: %d lines/s in appends of %d lines every %.1f ms, %d s warm-up + %d s measured,"
        + " spool.pollInterval %s, gzip %s, sync.maxInFlight %d%n", rate, linesPerAppend, periodNanos / 1e6, warmup, seconds,
        poll, gzip, maxInFlight);
    long start = System.nanoTime();
    long offset = 0;
    try (FileOutputStream out = new FileOutputStream(spool.toFile(), true)) {
      for (long i = 0, n = 0; i < total; i += linesPerAppend, n++) {
        long due = start + n * periodNanos;
        long wait;
        while ((wait = due - System.nanoTime()) > 0) {
          LockSupport.parkNanos(wait);
        }
        byte[] block = lines.block(i, i + linesPerAppend);
        out.write(block);
        offset += block.length;
        appends.add(new Append(offset, System.nanoTime()));
      }
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!appends.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    long elapsed = System.nanoTime() - start;
    if (!appends.isEmpty()) {
      System.out.println("WARNING: " + appends.size() + " appends were not acknowledged within 30 s after the last");
    }
    long[] d = Arrays.copyOf(delays, count[0]);
    Arrays.sort(d);
    long points = central.influxd.countPoints(CentralInflux.DB);
    System.out.printf("appended %d lines in %.1f s; %d in InfluxDB; %d appends measured%n", total, elapsed / 1e9,
        points, d.length);
    System.out.printf("append-to-ack delay: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms (target p99 < 50 ms)%n",
        pct(d, 50), pct(d, 90), pct(d, 99), d.length == 0 ? 0 : d[d.length - 1] / 1e6);
  }

  /**
   * The floor on this machine right now: the same lines, in the same small writes at the same rate,
   * POSTed straight to InfluxDB one after the other (no outflux), timed from send to 204.
   */
  private static void baseline(CentralInflux central, int rate, int writesPerSecond, int seconds) throws Exception {
    central.influxd.createDatabase("baseline");
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    String auth = "Basic " + java.util.Base64.getEncoder().encodeToString(
        (CentralInflux.ADMIN + ":" + CentralInflux.ADMIN_PASSWORD).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    java.net.URI uri = java.net.URI.create(central.influxd.url() + "/write?db=baseline");
    int linesPerWrite = Math.max(1, rate / writesPerSecond);
    long periodNanos = TimeUnit.SECONDS.toNanos(1) * linesPerWrite / rate;
    int writes = seconds * writesPerSecond;
    long[] d = new long[writes];
    TelegrafLikeLines lines = new TelegrafLikeLines("baseline", System.currentTimeMillis() * 1_000_000L);
    long start = System.nanoTime();
    for (int n = 0; n < writes; n++) {
      long wait;
      while ((wait = start + n * periodNanos - System.nanoTime()) > 0) {
        LockSupport.parkNanos(wait);
      }
      byte[] body = lines.block((long) n * linesPerWrite, (long) (n + 1) * linesPerWrite);
      long t = System.nanoTime();
      var response = http.send(java.net.http.HttpRequest.newBuilder(uri).header("Authorization", auth)
          .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)).build(),
          java.net.http.HttpResponse.BodyHandlers.discarding());
      d[n] = System.nanoTime() - t;
      if (response.statusCode() != 204) {
        throw new IllegalStateException("baseline write answered " + response.statusCode());
      }
    }
    Arrays.sort(d);
    System.out.printf("baseline, InfluxDB alone (%d writes of %d lines, one at a time, %d s): p50 %.1f ms, p90 %.1f ms,"
        + " p99 %.1f ms, max %.1f ms%n", writes, linesPerWrite, seconds, pct(d, 50), pct(d, 90), pct(d, 99),
        d[d.length - 1] / 1e6);
  }

  static double pct(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int idx = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, idx))] / 1e6;
  }

  private static void deploy(Vertx vertx, io.vertx.core.Deployable v, JsonObject config) throws Exception {
    vertx.deployVerticle(v, new DeploymentOptions().setConfig(config)).toCompletionStage().toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
  }

  private StreamingLatencyBenchmark() {
  }

}
