package io.outflux.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.client.ClientVerticle;
import io.outflux.demo.ChildJvm;
import io.outflux.demo.TelegrafLikeLines;
import io.outflux.e2e.SpoolDurabilityIT.SpoolWriter;
import io.outflux.influxd.FreePorts;
import io.outflux.influxd.Privilege;
import io.outflux.server.ServerVerticle;
import io.outflux.testing.Await;
import io.outflux.testing.CentralInflux;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sync.catchUp: "newest-first"} against a real central InfluxDB: lines written after the
 * client started reach InfluxDB while the backlog is still being synced, and whatever happens
 * meanwhile (kill -9 in the middle of both segments, Telegraf rotating the boundary's file away)
 * the central InfluxDB ends with exactly the points written and the spool keeps nothing synced.
 */
class CatchUpOrderIT {

  @RegisterExtension
  static final CentralInflux central = CentralInflux.perTestClass();
  private static final long OLD_START = 1_750_000_000_000_000_000L;
  private static final long NEW_START = 1_760_000_000_000_000_000L;
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
  void newLinesReachInfluxDbWhileTheBacklogIsStillSyncingAndThenEveryPointIsThere(@TempDir Path dir) throws Exception {
    String db = database("newest");
    Path spool = dir.resolve("metrics.lp");
    int backlog = 300_000;
    writeBacklog(dir, spool, new TelegrafLikeLines("old", OLD_START), backlog, 2);
    String deployment = deployClient(clientConfig(spool, db)); // deployed: the boundary is decided
    try {
      int fresh = 1_000;
      TelegrafLikeLines newLines = new TelegrafLikeLines("new", NEW_START);
      for (int i = 0; i < fresh; i += 100) {
        Files.write(spool, newLines.block(i, i + 100), StandardOpenOption.APPEND);
        Thread.sleep(50); // Telegraf's pace: new lines keep coming while the backlog syncs
      }
      assertEquals(fresh, Await.value(() -> countHost(db, "new"), fresh, Duration.ofSeconds(30)),
          "the new lines are synced");
      long oldSynced = countHost(db, "old");
      assertTrue(oldSynced < backlog, "every new line is in InfluxDB while the backlog is not yet: " + oldSynced
          + " of " + backlog + " old points");
      assertEquals(1.0, catchingUpGauge(db), "outflux_client_catching_up shows the catch-up");
      assertEquals(backlog + fresh, Await.value(() -> countAll(db), backlog + fresh, Duration.ofSeconds(120)));
      assertCatchUpMergedAndNothingSyncedLeft(dir, spool);
      assertEquals(0.0, catchingUpGauge(db), "and its end");
    } finally {
      undeploy(deployment);
    }
  }

  @Test
  void killNineInTheMiddleOfBothSegmentsLosesNothing(@TempDir Path dir) throws Exception {
    String db = database("crash");
    Path spool = dir.resolve("metrics.lp");
    Path checkpoint = Path.of(spool + ".checkpoint");
    int backlog = 200_000;
    writeBacklog(dir, spool, new TelegrafLikeLines("old", OLD_START), backlog, 1);
    Path conf = Files.writeString(dir.resolve("client.json"), clientConfig(spool, db).encodePrettily());
    Path jar = Path.of(System.getProperty("outflux.jar", "target/outflux.jar"));
    long seed = System.nanoTime();
    Random random = new Random(seed);
    int fresh = 40_000;
    SpoolWriter writer = new SpoolWriter(spool, new TelegrafLikeLines("new", NEW_START), Integer.MAX_VALUE);
    AtomicReference<Exception> writeFailure = new AtomicReference<>();
    Thread writing = new Thread(() -> {
      try {
        writer.write(0, fresh, 250, Duration.ofMillis(100)); // 2,500 lines/s for 16 s
      } catch (Exception e) {
        writeFailure.set(e);
      }
    }, "spool-writer");

    ChildJvm client = ChildJvm.start("client", jar, dir.resolve("client-0.log"), "client", "-conf", conf.toString());
    writing.start();
    List<String> atKill = new ArrayList<>();
    try {
      for (int kill = 1; kill <= 3; kill++) {
        // kill once this run has moved both segments' acknowledged positions, at a random moment after that
        long seqAtStart = checkpointSeq(checkpoint);
        Await.value(() -> bothSegmentsMoved(checkpoint, seqAtStart) || caughtUp(checkpoint, seqAtStart) ? 1 : 0, 1,
            Duration.ofSeconds(30));
        Thread.sleep(random.nextInt(1_000)); // the kill's moment: random within a second of that
        String cp = Files.exists(checkpoint) ? checkpointJson(checkpoint).encode() : "{}";
        client.kill9();
        atKill.add(cp);
        client = ChildJvm.start("client", jar, dir.resolve("client-" + kill + ".log"), "client", "-conf", conf.toString());
      }
      writing.join(120_000);
      assertNull(writeFailure.get());
      long total = backlog + fresh;
      assertEquals(total, Await.value(() -> countAll(db), total, Duration.ofSeconds(180)),
          "exactly every point after 3 kill -9 (seed " + seed + ", logs in " + dir + ")");
      // on a slow machine the backlog may be caught up before the last kill: that kill still counts
      // as chaos, but at least two must have hit the catch-up with both segments advanced
      long midCatchUp = atKill.stream().map(JsonObject::new).filter(json -> json.getInteger("version") == 3
          && !json.getJsonObject("catchUp").getJsonObject("live").equals(json.getJsonObject("catchUp")
          .getJsonObject("boundary"))).count();
      assertTrue(midCatchUp >= 2, "kills during a catch-up whose history and live segments had both advanced: "
          + atKill);
      assertCatchUpMergedAndNothingSyncedLeft(dir, spool);
    } finally {
      client.close();
    }
  }

  @Test
  void telegrafRotatingTheBoundarysFileAwayDuringTheCatchUpLosesNothing(@TempDir Path dir) throws Exception {
    String db = database("rotation");
    Path spool = dir.resolve("metrics.lp");
    int backlog = 200_000;
    writeBacklog(dir, spool, new TelegrafLikeLines("old", OLD_START), backlog, 0); // the boundary is in metrics.lp
    String deployment = deployClient(clientConfig(spool, db));
    try {
      int fresh = 30_000;
      SpoolWriter writer = new SpoolWriter(spool, new TelegrafLikeLines("new", NEW_START), 4_000);
      writer.write(0, 4_000, 500, Duration.ofMillis(40)); // ends with the rotation of the boundary's file
      long oldSynced = countHost(db, "old");
      assertTrue(oldSynced < backlog, "the boundary's file was renamed while the history was still syncing: "
          + oldSynced + " of " + backlog + " old points synced");
      writer.write(4_000, fresh, 500, Duration.ofMillis(40)); // and a rotation every 4,000 lines after it
      assertEquals(backlog + fresh, Await.value(() -> countAll(db), backlog + fresh, Duration.ofSeconds(120)));
      assertCatchUpMergedAndNothingSyncedLeft(dir, spool);
    } finally {
      undeploy(deployment);
    }
  }

  @Test
  void aBacklogThatBuiltUpDuringAServerOutageIsCaughtUpNewestFirstOnceTheServerIsBack(@TempDir Path dir)
      throws Exception {
    String db = database("outage");
    Path spool = dir.resolve("metrics.lp");
    int port = FreePorts.next(); // below the ephemeral range: no client's own bind(0) takes it meanwhile
    JsonObject config = clientConfig(spool, db);
    config.put("servers", new JsonArray().add("http://127.0.0.1:" + port)); // nothing listens there yet
    Files.write(spool, new TelegrafLikeLines("old", OLD_START).block(0, 100)); // far below the threshold at start
    String client = deployClient(config);
    String server = null;
    try {
      int backlog = 300_000;
      TelegrafLikeLines old = new TelegrafLikeLines("old", OLD_START);
      for (int i = 100; i < backlog; i += 20_000) {
        Files.write(spool, old.block(i, Math.min(backlog, i + 20_000)), StandardOpenOption.APPEND);
      }
      // the outage itself: the server stays away for longer than the client's backlog check (every 2 s),
      // and no catch-up starts without it
      await("the outage").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
          .until(() -> catchingUpGauge(db) == 0.0);
      server = vertx.deployVerticle(new ServerVerticle(), new DeploymentOptions().setConfig(new JsonObject()
              .put("http", new JsonObject().put("host", "127.0.0.1").put("port", port))
              .put("influx", new JsonObject().put("url", central.influxd.url()))))
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      // reconnected, the reader takes its next step and splits the backlog at the spool's end
      await("the catch-up starts").atMost(Duration.ofSeconds(30)).until(() -> catchingUpGauge(db) == 1.0);
      int fresh = 1_000;
      TelegrafLikeLines newLines = new TelegrafLikeLines("new", NEW_START);
      for (int i = 0; i < fresh; i += 100) {
        Files.write(spool, newLines.block(i, i + 100), StandardOpenOption.APPEND);
        Thread.sleep(50); // Telegraf's pace
      }
      assertEquals(fresh, Await.value(() -> countHost(db, "new"), fresh, Duration.ofSeconds(30)));
      long oldSynced = countHost(db, "old");
      assertTrue(oldSynced < backlog, "the new lines are in InfluxDB while the backlog is not yet: " + oldSynced
          + " of " + backlog + " old points");
      assertEquals(backlog + fresh, Await.value(() -> countAll(db), backlog + fresh, Duration.ofSeconds(120)));
      assertCatchUpMergedAndNothingSyncedLeft(dir, spool);
    } finally {
      undeploy(client);
      if (server != null) {
        undeploy(server);
      }
    }
  }

  // ---- helpers

  /** A catch-up checkpoint of this run (a sequence number beyond {@code seqAtStart}) with live acknowledged past the boundary. */
  private static boolean bothSegmentsMoved(Path checkpoint, long seqAtStart) {
    try {
      JsonObject cp = checkpointJson(checkpoint);
      JsonObject catchUp = cp.getJsonObject("catchUp");
      return cp.getInteger("version") == 3 && cp.getLong("lastAckedSeq") > seqAtStart + 1
          && !catchUp.getJsonObject("live").equals(catchUp.getJsonObject("boundary"));
    } catch (RuntimeException e) {
      return false; // not written yet
    }
  }

  /** The catch-up is over: the checkpoint is a single position again and has moved since. */
  private static boolean caughtUp(Path checkpoint, long seqAtStart) {
    try {
      JsonObject cp = checkpointJson(checkpoint);
      return cp.getInteger("version") != 3 && cp.getLong("lastAckedSeq") > seqAtStart + 1;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** The checkpoint as JSON, whatever its format on disk (two slots since format 4). */
  private static JsonObject checkpointJson(Path checkpoint) {
    return new io.outflux.spool.CheckpointStore(checkpoint).load().toJson();
  }

  private static long checkpointSeq(Path checkpoint) {
    try {
      return checkpointJson(checkpoint).getLong("lastAckedSeq");
    } catch (RuntimeException e) {
      return 0;
    }
  }

  /** {@code lines} lines of backlog: {@code archives} rotated archives, the rest in the active file. */
  private static void writeBacklog(Path dir, Path spool, TelegrafLikeLines lines, int total, int archives)
      throws IOException {
    int files = archives + 1;
    int per = total / files;
    for (int f = 0; f < files; f++) {
      int from = f * per;
      int to = f == files - 1 ? total : from + per;
      Path target = f < archives ? dir.resolve("metrics.2026-11-20-" + (1_763_600_000 + f) + ".lp") : spool;
      Files.write(target, lines.block(from, to));
    }
  }

  private static void assertCatchUpMergedAndNothingSyncedLeft(Path dir, Path spool) throws Exception {
    Path checkpoint = Path.of(spool + ".checkpoint");
    long version = Await.value(() -> checkpointVersion(checkpoint), 2, Duration.ofSeconds(20));
    assertEquals(2, version, "the segments merged back into one checkpoint");
    long left = Await.value(() -> archives(dir).size(), 0, Duration.ofSeconds(20));
    assertEquals(0, left, "every synced archive is deleted: " + archives(dir));
    long allocated = Await.value(() -> SpoolDurabilityIT.allocated(spool) <= 192 * 1024 ? 0
        : SpoolDurabilityIT.allocated(spool), 0, Duration.ofSeconds(20));
    assertEquals(0, allocated, "the synced prefix of the active file is punched out: "
        + SpoolDurabilityIT.allocated(spool) + " of " + Files.size(spool) + " bytes allocated");
    assertTrue(!Files.exists(Path.of(spool + ".deadletter")), "no line was dead-lettered");
  }

  private static long checkpointVersion(Path checkpoint) {
    try {
      return Files.exists(checkpoint)
          ? new io.outflux.spool.CheckpointStore(checkpoint).load().toJson().getInteger("version", 0) : 0;
    } catch (RuntimeException e) {
      return -1;
    }
  }

  private static List<Path> archives(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().matches("metrics\\.\\d{4}-\\d\\d-\\d\\d-\\d+\\.lp")).toList();
    } catch (IOException e) {
      throw new IllegalStateException(e);
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

  /** Points of one host tag, over the three measurements (each point has the measurement's common field). */
  private static long countHost(String db, String host) {
    long sum = 0;
    for (String[] m : TelegrafLikeLines.MEASUREMENTS) {
      JsonObject json = central.influxd.query(db, "SELECT COUNT(\"" + m[1] + "\") FROM \"" + m[0] + "\" WHERE host = '"
          + host + "'");
      JsonArray series = json.getJsonArray("results").getJsonObject(0).getJsonArray("series");
      if (series != null) {
        sum += series.getJsonObject(0).getJsonArray("values").getJsonArray(0).getLong(1);
      }
    }
    return sum;
  }

  private static JsonObject clientConfig(Path spool, String db) {
    return new JsonObject()
        .put("clientId", "edge-" + db)
        .put("servers", new JsonArray().add("http://127.0.0.1:" + serverPort))
        .put("influx", new JsonObject().put("username", CentralInflux.WRITER)
            .put("password", CentralInflux.WRITER_PASSWORD).put("database", db))
        .put("spool", new JsonObject().put("path", spool.toString()).put("pollInterval", "20ms")
            .put("compactEvery", "64KiB"))
        .put("sync", new JsonObject().put("rule", "interval").put("interval", "200ms").put("maxBatchLines", 5000)
            .put("maxInFlight", 2).put("catchUp", "newest-first").put("catchUpThreshold", "1MiB"))
        .put("transport", new JsonObject().put("retryInitialDelay", "100ms").put("retryMaxDelay", "1s"));
  }

  private static String deployClient(JsonObject config) throws Exception {
    return vertx.deployVerticle(new ClientVerticle(), new DeploymentOptions().setConfig(config))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** This test client's gauge (each client's meters carry its id). */
  private static double catchingUpGauge(String db) {
    return io.outflux.metrics.Metrics.registry().get("outflux_client_catching_up")
        .tag(io.outflux.client.ClientMeters.CLIENT_TAG, "edge-" + db).gauge().value();
  }

  private static void undeploy(String deployment) throws Exception {
    vertx.undeploy(deployment).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
