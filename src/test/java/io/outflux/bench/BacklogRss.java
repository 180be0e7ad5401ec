package io.outflux.bench;

import io.outflux.demo.ChildJvm;
import io.outflux.demo.TelegrafLikeLines;
import io.outflux.spool.CheckpointStore;
import io.outflux.testing.CentralInflux;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import java.util.Locale;

/**
 * Syncs a backlog of Telegraf-like lines (default 2 GB) from a spool file through a real server
 * into a real central influxd, both outflux roles as separate JVMs, and samples the client's RSS
 * from /proc every 500 ms. Run with bench/backlog-rss.sh [SIZE_MB].
 */
public final class BacklogRss {

  public static void main(String[] args) throws Exception {
    long targetBytes = (args.length > 0 ? Long.parseLong(args[0]) : 2048) << 20;
    Path jar = Path.of(args.length > 1 ? args[1] : "target/outflux.jar").toAbsolutePath();
    Path dir = Files.createTempDirectory("outflux-bench-rss");
    Path spool = dir.resolve("metrics.lp");
    long lines = writeBacklog(spool, targetBytes);
    long size = Files.size(spool);
    say("backlog: %,d lines, %,d bytes in %s", lines, size, spool);

    try (CentralInflux central = CentralInflux.start()) {
      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      Path serverConf = Files.writeString(dir.resolve("server.json"), new JsonObject()
          .put("http", new JsonObject().put("host", "127.0.0.1").put("port", port))
          .put("influx", new JsonObject().put("url", central.influxd.url())).encode());
      Path clientConf = Files.writeString(dir.resolve("client.json"), new JsonObject()
          .put("clientId", "bench")
          .put("servers", new JsonArray().add("http://127.0.0.1:" + port))
          .put("influx", new JsonObject().put("username", CentralInflux.WRITER)
              .put("password", CentralInflux.WRITER_PASSWORD).put("database", CentralInflux.DB))
          .put("spool", new JsonObject().put("path", spool.toString()))
          .put("sync", new JsonObject().put("interval", "1s")).encode());
      try (ChildJvm server = ChildJvm.start("server", jar, dir.resolve("server.log"), "server", "-conf",
          serverConf.toString())) {
        server.awaitHttp("http://127.0.0.1:" + port + "/health", Duration.ofSeconds(60));
        long t0 = System.nanoTime();
        List<String> jvm = List.of(System.getProperty("bench.clientJavaOpts", "-Xmx192m").split(" "));
        say("client JVM options: %s (bench/backlog-rss.sh passes CLIENT_JAVA_OPTS of conf/outflux.defaults), "
            + "MALLOC_ARENA_MAX=%s", jvm, System.getenv("MALLOC_ARENA_MAX"));
        try (ChildJvm client = ChildJvm.start("client", jar, dir.resolve("client.log"), jvm, "client", "-conf",
            clientConf.toString())) {
          CheckpointStore checkpoints = new CheckpointStore(Path.of(spool + ".checkpoint"));
          long maxRss = 0;
          long nextReport = System.nanoTime();
          long synced = 0;
          while (synced < size) {
            if (!client.isAlive()) {
              throw new IllegalStateException("the client exited; see " + client.log());
            }
            maxRss = Math.max(maxRss, rssKb(client.pid()));
            try {
              synced = checkpoints.load().synced().offset();
            } catch (RuntimeException partial) {
              // rename in progress
            }
            if (System.nanoTime() >= nextReport) {
              double secs = (System.nanoTime() - t0) / 1e9;
              say("[%5.0fs] synced %,d of %,d bytes; client RSS now %,d KB, max %,d KB", secs, synced, size,
                  rssKb(client.pid()), maxRss);
              nextReport += 10_000_000_000L;
            }
            Thread.sleep(500);
          }
          double secs = (System.nanoTime() - t0) / 1e9;
          long points = 0;
          for (String[] m : TelegrafLikeLines.MEASUREMENTS) {
            points += central.count(CentralInflux.DB, m[0]);
          }
          say("synced %,d bytes in %.1f s (%,.0f lines/s); central InfluxDB has %,d of %,d points", size, secs,
              lines / secs, points, lines);
          say("client max RSS: %,d KB (%.0f MB); target < 256 MB", maxRss, maxRss / 1024.0);
          say("spool file: %,d bytes long, %,d bytes allocated after compaction", Files.size(spool),
              allocated(spool));
        }
      }
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static long writeBacklog(Path spool, long targetBytes) throws Exception {
    TelegrafLikeLines gen = new TelegrafLikeLines("bench-edge", 1_600_000_000_000_000_000L);
    long written = 0;
    long lines = 0;
    try (OutputStream out = Files.newOutputStream(spool)) {
      while (written < targetBytes) {
        byte[] block = gen.block(lines, lines + 10_000);
        out.write(block);
        written += block.length;
        lines += 10_000;
      }
    }
    return lines;
  }

  private static long rssKb(long pid) {
    try {
      for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (l.startsWith("VmRSS:")) {
          return Long.parseLong(l.replaceAll("[^0-9]", ""));
        }
      }
    } catch (Exception gone) {
      // exited
    }
    return 0;
  }

  private static long allocated(Path file) throws Exception {
    Process p = new ProcessBuilder("stat", "-c", "%b %B", file.toString()).start();
    String[] out = new String(p.getInputStream().readAllBytes()).trim().split(" ");
    p.waitFor();
    return Long.parseLong(out[0]) * Long.parseLong(out[1]);
  }

  private static void say(String format, Object... args) {
    System.out.println(String.format(Locale.ROOT, format, args));
  }
}
