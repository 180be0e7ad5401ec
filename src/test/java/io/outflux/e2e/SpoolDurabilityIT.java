package io.outflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.client.ClientVerticle;
import io.outflux.demo.ChildJvm;
import io.outflux.demo.TelegrafLikeLines;
import io.outflux.influxd.Privilege;
import io.outflux.server.ServerVerticle;
import io.outflux.testing.Await;
import io.outflux.testing.CentralInflux;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spool's promise against a real central InfluxDB: whatever happens to the client (kill -9,
 * Telegraf rotating under it, compaction racing the writer, archives left from earlier runs), the
 * central InfluxDB ends with exactly the points written, and the spool keeps nothing synced.
 */
class SpoolDurabilityIT {

  @RegisterExtension
  static final CentralInflux central = CentralInflux.perTestClass();
  private static Vertx vertx;
  private static int serverPort;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    ServerVerticle server = new ServerVerticle();
    vertx.deployVerticle(server, new DeploymentOptions().setConfig(new JsonObject()
            .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0))
            .put("influx", new JsonObject().put("url", central.influxd.url()))))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    serverPort = server.actualPort();
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void killNineAtRandomMomentsDuringA200kLineSyncWithRotationLosesAndDuplicatesNothing(@TempDir Path dir)
      throws Exception {
    String db = database("crash");
    Path spool = dir.resolve("metrics.lp");
    Path conf = Files.writeString(dir.resolve("client.json"), clientConfig(spool, db, 4).encodePrettily());
    Path jar = Path.of(System.getProperty("outflux.jar", "target/outflux.jar"));
    long seed = System.nanoTime();
    Random random = new Random(seed);
    int total = 200_000;
    SpoolWriter writer = new SpoolWriter(spool, new TelegrafLikeLines("edge-crash", 1_700_000_000_000_000_000L), 20_000);
    AtomicReference<Exception> writeFailure = new AtomicReference<>();
    Thread writing = new Thread(() -> {
      try {
        writer.write(0, total, 2_000, Duration.ofMillis(100)); // about 20,000 lines/s for 10 s
      } catch (Exception e) {
        writeFailure.set(e);
      }
    }, "spool-writer");

    ChildJvm client = ChildJvm.start("client", jar, dir.resolve("client-0.log"), "client", "-conf", conf.toString());
    writing.start();
    try {
      int midFlight = 0;
      for (int kill = 1; kill <= 3; kill++) {
        // the kill's moment: random, 1 to 3 s after this run's JVM started (its start-up included), while
        // the writer still writes (about 10 s); midFlight below checks that each kill left points unsynced
        Thread.sleep(1_000 + random.nextInt(2_000));
        long before = countAll(db);
        client.kill9();
        midFlight += before < total ? 1 : 0;
        client = ChildJvm.start("client", jar, dir.resolve("client-" + kill + ".log"), "client", "-conf", conf.toString());
      }
      writing.join(120_000);
      assertEquals(null, writeFailure.get());
      long synced = Await.value(() -> countAll(db), total, Duration.ofSeconds(120));
      assertEquals(total, synced, "exactly every point, after 3 kill -9 (seed " + seed + ", logs in " + dir + ")");
      assertEquals(3, midFlight, "every kill hit the client while points were still unsynced");
      assertNothingSyncedLeft(dir, spool);
    } finally {
      client.close();
    }
  }

  @Test
  void telegrafRotationEveryFewThousandLinesWhileSyncingLosesNothing(@TempDir Path dir) throws Exception {
    String db = database("rotation");
    Path spool = dir.resolve("metrics.lp");
    String deployment = deployClient(clientConfig(spool, db, 4));
    try {
      int total = 60_000;
      new SpoolWriter(spool, new TelegrafLikeLines("edge-rot", 1_710_000_000_000_000_000L), 3_000)
          .write(0, total, 500, Duration.ofMillis(20)); // a rotation every 120 ms for 2.4 s
      assertEquals(total, Await.value(() -> countAll(db), total, Duration.ofSeconds(60)));
      assertNothingSyncedLeft(dir, spool);
    } finally {
      vertx.undeploy(deployment).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void aWriterAppendingContinuouslyWhileCompactionPunchesThePrefixLosesNothing(@TempDir Path dir) throws Exception {
    String db = database("compaction");
    Path spool = dir.resolve("metrics.lp");
    JsonObject config = clientConfig(spool, db, 4);
    config.getJsonObject("spool").put("compactEvery", "16KiB");
    String deployment = deployClient(config);
    try {
      int total = 80_000;
      // no rotation: only punching keeps the file small, while every append races it
      new SpoolWriter(spool, new TelegrafLikeLines("edge-compact", 1_720_000_000_000_000_000L), Integer.MAX_VALUE)
          .write(0, total, 200, Duration.ofMillis(10)); // appends every 10 ms for 4 s, punches in between
      assertEquals(total, Await.value(() -> countAll(db), total, Duration.ofSeconds(60)));
      long size = Files.size(spool);
      long allocated = Await.value(() -> allocated(spool) < 256 * 1024 ? 0 : allocated(spool), 0, Duration.ofSeconds(10));
      assertEquals(0, allocated, "the synced prefix of the " + size + "-byte file is deallocated; "
          + allocated(spool) + " bytes are still on disk");
    } finally {
      vertx.undeploy(deployment).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void archivesLeftFromEarlierRunsAreSyncedFirstInOrder(@TempDir Path dir) throws Exception {
    String db = database("leftover");
    Path spool = dir.resolve("metrics.lp");
    TelegrafLikeLines lines = new TelegrafLikeLines("edge-left", 1_730_000_000_000_000_000L);
    // every file also writes the same point "order": the last file synced decides its value
    String[] names = {"metrics.2026-11-27-1764200000.lp", "metrics.2026-11-28-1764300000.lp",
        "metrics.2026-11-29-1764400000.lp", "metrics.lp"};
    int perFile = 5_000;
    for (int f = names.length - 1; f >= 0; f--) { // created newest first, so directory order proves nothing
      StringBuilder sb = new StringBuilder(new String(lines.block((long) f * perFile, (long) (f + 1) * perFile),
          StandardCharsets.UTF_8));
      sb.append("order,host=edge-left file=").append(f).append("i 1730000000000000000\n");
      Files.writeString(dir.resolve(names[f]), sb.toString());
    }
    JsonObject config = clientConfig(spool, db, 1); // one batch at a time: InfluxDB sees them in read order
    String deployment = deployClient(config);
    try {
      int total = names.length * perFile;
      assertEquals(total, Await.value(() -> countAll(db), total, Duration.ofSeconds(60)));
      assertEquals(1, central.count(db, "order"));
      String answer = central.influxd.query(db, "SELECT last(file) FROM \"order\"").encode();
      assertTrue(answer.contains(",3]"), "the active file was synced last: " + answer);
      assertNothingSyncedLeft(dir, spool);
    } finally {
      vertx.undeploy(deployment).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void linesInfluxDbRefusesAndLinesTheScannerRefusesEndInTheDeadLetterFileAndTheRestIsSynced(@TempDir Path dir)
      throws Exception {
    String db = database("rejects");
    Path spool = dir.resolve("metrics.lp");
    TelegrafLikeLines lines = new TelegrafLikeLines("edge-rej", 1_740_000_000_000_000_000L);
    String text = new String(lines.block(0, 500), StandardCharsets.UTF_8)
        + "cpu,host=edge-rej unsigned=42u 1740000000000000000\n"  // valid grammar; InfluxDB 1.x refuses it
        + "0 \\\\=\"=\"\n"                                          // crashes influxd 1.6.7: must never reach it
        + new String(lines.block(500, 1000), StandardCharsets.UTF_8);
    Files.writeString(spool, text);
    String deployment = deployClient(clientConfig(spool, db, 4));
    try {
      assertEquals(1000, Await.value(() -> countAll(db), 1000, Duration.ofSeconds(60)));
      Path dead = Path.of(spool + ".deadletter");
      assertEquals(2, Await.value(() -> deadLetters(dead).size(), 2, Duration.ofSeconds(20)), "" + deadLetters(dead));
      List<JsonObject> records = deadLetters(dead);
      JsonObject scanner = records.stream().filter(r -> r.getString("stage").equals("validation")).findFirst().orElseThrow();
      assertEquals("0 \\\\=\"=\"", scanner.getString("line"));
      JsonObject influx = records.stream().filter(r -> r.getString("stage").equals("influxdb")).findFirst().orElseThrow();
      assertTrue(influx.getString("line").contains("unsigned=42u"), influx.encode());
      assertTrue(influx.getString("reason").contains("invalid") || influx.getString("reason").contains("parse"),
          "InfluxDB's own reason: " + influx.encode());
      assertTrue(central.influxd.isAlive());
    } finally {
      vertx.undeploy(deployment).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static List<JsonObject> deadLetters(Path file) {
    try {
      return Files.exists(file) ? Files.readAllLines(file).stream().map(JsonObject::new).toList() : List.of();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- helpers

  /** Appends like Telegraf's file output, renaming the file to its archive name every {@code rotateEvery} lines. */
  static final class SpoolWriter {
    private final Path spool;
    private final TelegrafLikeLines lines;
    private final int rotateEvery;
    private long nextArchiveSecond = 1_764_400_000L;

    SpoolWriter(Path spool, TelegrafLikeLines lines, int rotateEvery) {
      this.spool = spool;
      this.lines = lines;
      this.rotateEvery = rotateEvery;
    }

    void write(long from, long to, int block, Duration pause) throws IOException, InterruptedException {
      long inFile = 0;
      for (long i = from; i < to; i += block) {
        long end = Math.min(to, i + block);
        Files.write(spool, lines.block(i, end), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        inFile += end - i;
        if (inFile >= rotateEvery) {
          long second = nextArchiveSecond++;
          Files.move(spool, spool.resolveSibling("metrics.2026-11-29-" + second + ".lp"));
          inFile = 0;
        }
        Thread.sleep(pause.toMillis()); // Telegraf's pace between flushes
      }
    }
  }

  private static void assertNothingSyncedLeft(Path dir, Path spool) throws Exception {
    long left = Await.value(() -> archives(dir).size(), 0, Duration.ofSeconds(20));
    assertEquals(0, left, "every synced archive is deleted: " + archives(dir));
    if (Files.exists(spool)) {
      long allocated = Await.value(() -> allocated(spool) <= 96 * 1024 ? 0 : allocated(spool), 0, Duration.ofSeconds(20));
      assertEquals(0, allocated, "the active file keeps at most compactEvery + a block of synced data: "
          + allocated(spool) + " of " + Files.size(spool) + " bytes allocated");
    }
    assertTrue(!Files.exists(Path.of(spool + ".deadletter")), "no line was dead-lettered");
  }

  private static List<Path> archives(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().matches("metrics\\.\\d{4}-\\d\\d-\\d\\d-\\d+\\.lp")).toList();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static long allocated(Path file) {
    try {
      Process p = new ProcessBuilder("stat", "-c", "%b %B", file.toString()).start();
      String[] out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim().split(" ");
      p.waitFor();
      return Long.parseLong(out[0]) * Long.parseLong(out[1]);
    } catch (IOException | InterruptedException | RuntimeException e) {
      throw new IllegalStateException("stat " + file, e);
    }
  }

  private static String database(String name) {
    central.influxd.createDatabase(name);
    central.influxd.grant(Privilege.WRITE, name, CentralInflux.WRITER);
    return name;
  }

  private static long countAll(String db) {
    long sum = 0;
    for (String[] m : TelegrafLikeLines.MEASUREMENTS) {
      sum += central.influxd.count(db, m[0]);
    }
    return sum;
  }

  private static JsonObject clientConfig(Path spool, String db, int maxInFlight) {
    return new JsonObject()
        .put("clientId", "edge-" + db)
        .put("servers", new JsonArray().add("http://127.0.0.1:" + serverPort))
        .put("influx", new JsonObject().put("username", CentralInflux.WRITER)
            .put("password", CentralInflux.WRITER_PASSWORD).put("database", db))
        .put("spool", new JsonObject().put("path", spool.toString()).put("pollInterval", "20ms")
            .put("compactEvery", "64KiB"))
        .put("sync", new JsonObject().put("rule", "interval").put("interval", "200ms").put("maxBatchLines", 5000)
            .put("maxInFlight", maxInFlight))
        .put("transport", new JsonObject().put("retryInitialDelay", "100ms").put("retryMaxDelay", "1s"));
  }

  private static String deployClient(JsonObject config) throws Exception {
    return vertx.deployVerticle(new ClientVerticle(), new DeploymentOptions().setConfig(config))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
