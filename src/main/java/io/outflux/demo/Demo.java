package io.outflux.demo;

import io.outflux.influxd.FreePorts;
import io.outflux.influxd.InfluxdOptions;
import io.outflux.influxd.InfluxdProcess;
import io.outflux.influxd.Privilege;
import io.outflux.metrics.ProgressLine;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;

/**
 * {@code outflux demo}: the whole product on one machine, for real. Two influxd (edge, and central
 * with auth on), an outflux server and client as separate JVMs, and a writer that plays Telegraf's
 * dual write: each block of lines goes to the edge InfluxDB and is appended to the spool.
 */
public final class Demo {

  private static final String DB = "telegraf";
  private static final String USER = "edge";
  private static final String PASSWORD = "edge-demo-pw";

  private final Deque<AutoCloseable> started = new ArrayDeque<>();

  /**
   * What {@code outflux demo} was asked for.
   *
   * @param dir where to keep data, configs and logs; null: a new temporary directory
   */
  public record Options(int seconds, int rate, Path dir, boolean tls) {
  }

  /** Runs the demo and stops everything it started, also on Ctrl-C; the exit status. */
  public static int run(Options options) throws Exception {
    Demo demo = new Demo();
    Thread cleanup = new Thread(demo::stopAll, "demo-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);
    try {
      return demo.start(options);
    } finally {
      demo.stopAll();
    }
  }

  private int start(Options options) throws Exception {
    Path dir = options.dir() != null ? Files.createDirectories(options.dir()) : Files.createTempDirectory("outflux-demo");
    say("working directory " + dir);

    InfluxdProcess edge = track(InfluxdProcess.start(InfluxdOptions.builder().baseDir(dir.resolve("edge-influxdb")).build()));
    edge.createDatabase(DB);
    say("edge InfluxDB     " + edge.url() + " (pid " + edge.pid() + ")");

    InfluxdProcess central = track(InfluxdProcess.start(InfluxdOptions.builder().authEnabled(true)
        .baseDir(dir.resolve("central-influxdb")).build()));
    central.bootstrapAdmin("admin", "admin-demo-pw");
    central.createDatabase(DB);
    central.createUser(USER, PASSWORD, false);
    central.grant(Privilege.WRITE, DB, USER);
    say("central InfluxDB  " + central.url() + " (pid " + central.pid() + ", auth on, user '" + USER
        + "' may only write to '" + DB + "')");

    Path jar = ownJar();
    int serverPort = FreePorts.next();
    JsonObject http = new JsonObject().put("host", "127.0.0.1").put("port", serverPort);
    JsonObject transport = new JsonObject();
    String scheme = "http";
    if (options.tls()) {
      TestCerts certs = TestCerts.create(Files.createDirectories(dir.resolve("tls")));
      http.put("tls", new JsonObject().put("certFile", certs.serverCert().toString())
          .put("keyFile", certs.serverKey().toString()).put("clientCaFile", certs.caCert().toString()));
      transport.put("tls", new JsonObject().put("caFile", certs.caCert().toString())
          .put("certFile", certs.clientCert().toString()).put("keyFile", certs.clientKey().toString()));
      scheme = "https";
      say("TLS               certificates made with openssl in " + dir.resolve("tls") + "; the server requires the client's");
    }
    Path serverConf = write(dir.resolve("server.json"), new JsonObject()
        .put("http", http)
        .put("influx", new JsonObject().put("url", central.url())));
    ChildJvm server = track(ChildJvm.start("server", jar, dir.resolve("server.log"), "server", "-conf", serverConf.toString()));
    if (options.tls()) {
      server.awaitLog("outflux server listening on https://", Duration.ofSeconds(60));
    } else {
      server.awaitHttp("http://127.0.0.1:" + serverPort + "/health", Duration.ofSeconds(60));
    }
    String serverUrl = scheme + "://127.0.0.1:" + serverPort;
    say("outflux server    " + serverUrl + " (pid " + server.pid() + ", log " + server.log() + ")");

    Path spool = dir.resolve("spool").resolve("metrics.lp");
    Files.createDirectories(spool.getParent());
    Path clientConf = write(dir.resolve("client.json"), new JsonObject()
        .put("clientId", "demo-edge")
        .put("servers", new JsonArray().add(serverUrl))
        .put("influx", new JsonObject().put("username", USER).put("password", PASSWORD).put("database", DB))
        .put("spool", new JsonObject().put("path", spool.toString()))
        .put("sync", new JsonObject().put("rule", "interval").put("interval", "1s"))
        .put("transport", transport));
    ChildJvm client = track(ChildJvm.start("client", jar, dir.resolve("client.log"), "client", "-conf", clientConf.toString()));
    client.awaitAlive(Duration.ofSeconds(2));
    say("outflux client    pid " + client.pid() + ", spool " + spool + ", log " + client.log());

    long written = writeLikeTelegraf(edge, central, spool, options);
    say("done writing: " + ProgressLine.count(written) + " lines; waiting for the client to catch up ...");
    long synced = waitForCentral(central, written, Duration.ofSeconds(120));
    long atEdge = countAll(edge);

    System.out.println();
    System.out.println("  lines written (spool):  " + ProgressLine.count(written));
    System.out.println("  points in edge InfluxDB:    " + ProgressLine.count(atEdge));
    System.out.println("  points in central InfluxDB: " + ProgressLine.count(synced));
    System.out.println();
    if (synced == written && atEdge == written) {
      System.out.println("OK: every point written at the edge is in the central InfluxDB.");
      return 0;
    }
    System.out.println("MISMATCH: see " + client.log() + " and " + server.log());
    return 1;
  }

  private long writeLikeTelegraf(InfluxdProcess edge, InfluxdProcess central, Path spool, Options options)
      throws IOException, InterruptedException {
    TelegrafLikeLines lines = new TelegrafLikeLines("demo-edge", System.currentTimeMillis() * 1_000_000L);
    int perTick = Math.max(1, options.rate() / 10);
    long written = 0;
    long startNanos = System.nanoTime();
    long nextReport = startNanos + 1_000_000_000L;
    long endNanos = startNanos + options.seconds() * 1_000_000_000L;
    for (long tick = 0; System.nanoTime() < endNanos; tick++) {
      byte[] block = lines.block(written, written + perTick);
      var answer = edge.write(DB, new String(block, StandardCharsets.UTF_8));
      if (answer.status() != 204) {
        throw new IllegalStateException("edge InfluxDB refused a write: " + answer.status() + " " + answer.body());
      }
      Files.write(spool, block, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      written += perTick;
      if (System.nanoTime() >= nextReport) {
        double secs = (System.nanoTime() - startNanos) / 1e9;
        say(String.format(Locale.ROOT, "[%4.1fs] written %s lines (%s/s) | central InfluxDB has %s points",
            secs, ProgressLine.count(written), ProgressLine.count((long) (written / secs)),
            ProgressLine.count(countAll(central))));
        nextReport += 1_000_000_000L;
      }
      long sleepUntil = startNanos + (tick + 1) * 100_000_000L;
      long pause = (sleepUntil - System.nanoTime()) / 1_000_000L;
      if (pause > 0) {
        Thread.sleep(pause);
      }
    }
    return written;
  }

  private long waitForCentral(InfluxdProcess central, long expected, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long count = countAll(central);
    ProgressLine progress = ProgressLine.systemClock();
    progress.sample(count, 0);
    while (count < expected && System.nanoTime() < deadline) {
      Thread.sleep(500);
      long next = countAll(central);
      progress.sample(next, 0);
      if (next != count) {
        say("central InfluxDB has " + ProgressLine.count(next) + " of " + ProgressLine.count(expected) + " points ("
            + ProgressLine.count(Math.round(progress.linesPerSecond())) + " points/s, "
            + progress.etaLines(expected - next).map(d -> "about " + ProgressLine.duration(d) + " left")
                .orElse("time left unknown") + ")");
      }
      count = next;
    }
    return count;
  }

  private static long countAll(InfluxdProcess influxd) {
    long sum = 0;
    for (String[] m : TelegrafLikeLines.MEASUREMENTS) {
      sum += influxd.count(DB, m[0]);
    }
    return sum;
  }

  private <T extends AutoCloseable> T track(T resource) {
    synchronized (started) {
      started.push(resource);
    }
    return resource;
  }

  /** Stops what was started, newest first (client before server before InfluxDBs). Idempotent. */
  private void stopAll() {
    while (true) {
      AutoCloseable next;
      synchronized (started) {
        next = started.poll();
      }
      if (next == null) {
        return;
      }
      try {
        next.close();
      } catch (Exception e) {
        System.err.println("demo: stopping " + next + " failed: " + e);
      }
    }
  }

  private static Path write(Path file, JsonObject json) throws IOException {
    return Files.writeString(file, json.encodePrettily());
  }

  private static Path ownJar() throws URISyntaxException {
    Path jar = Path.of(Demo.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    if (!jar.toString().endsWith(".jar")) {
      throw new IllegalStateException("the demo runs from the fat jar (target/outflux.jar); build it with mvn -B package");
    }
    return jar;
  }

  private static void say(String message) {
    System.out.println("demo: " + message);
  }
}
