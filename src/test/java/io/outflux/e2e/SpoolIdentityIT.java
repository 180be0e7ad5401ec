package io.outflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.demo.ChildJvm;
import io.outflux.demo.TelegrafLikeLines;
import io.outflux.server.ServerVerticle;
import io.outflux.spool.CheckpointStore;
import io.outflux.spool.LossLedger;
import io.outflux.testing.Await;
import io.outflux.testing.CentralInflux;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * File identity by content, with a real client JVM and a real central InfluxDB: a copytruncate
 * writer with kill -9 of the client in between (exactly every point), a file rotated and deleted
 * while the client is stopped (the loss counted exactly, shown until acknowledged), and a new file
 * reusing the checkpoint's inode (read as a new file, nothing lost).
 */
class SpoolIdentityIT {

  @RegisterExtension
  static final CentralInflux central = CentralInflux.perTestClass();
  private static Vertx vertx;
  private static final Path JAR = Path.of(System.getProperty("outflux.jar", "target/outflux.jar"));

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void aCopytruncateWriterWithKillNineOfTheClientInBetweenLosesAndDuplicatesNothing(@TempDir Path dir)
      throws Exception {
    Edge edge = new Edge(central, "copytruncate", dir);
    int port = Tmpfs.freePort();
    String server = server(port);
    Path conf = conf(edge, dir, port, Tmpfs.freePort());
    long seed = System.nanoTime();
    Random random = new Random(seed);
    int total = 200_000;
    TelegrafLikeLines lines = new TelegrafLikeLines("edge-ct", 1_760_000_000_000_000_000L);
    AtomicReference<Exception> failure = new AtomicReference<>();
    Thread writer = new Thread(() -> {
      try {
        long second = 1_764_400_000L;
        for (long i = 0; i < total; i += 1_000) {
          Files.write(edge.spool, lines.block(i, i + 1_000), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
          if ((i + 1_000) % 20_000 == 0) { // copytruncate: copy to an archive name, then truncate in place
            Files.copy(edge.spool, edge.spool.resolveSibling("metrics.2026-11-29-" + second++ + ".lp"));
            Files.write(edge.spool, new byte[0], StandardOpenOption.TRUNCATE_EXISTING);
          }
          Thread.sleep(10); // Telegraf's pace between flushes
        }
      } catch (Exception e) {
        failure.set(e);
      }
    }, "copytruncate-writer");
    ChildJvm client = ChildJvm.start("client", JAR, dir.resolve("client-0.log"), "client", "-conf", conf.toString());
    writer.start();
    try {
      for (int kill = 1; kill <= 2; kill++) {
        Thread.sleep(1_500 + random.nextInt(1_500)); // the kill's moment: random, while the writer writes
        client.kill9();
        client = ChildJvm.start("client", JAR, dir.resolve("client-" + kill + ".log"), "client", "-conf",
            conf.toString());
      }
      writer.join(120_000);
      assertEquals(null, failure.get());
      assertEquals(total, Await.value(edge::count, total, Duration.ofSeconds(120)),
          "exactly every point through copytruncates and 2 kill -9 (seed " + seed + ", logs in " + dir + ")");
      assertEquals(0, new LossLedger(LossLedger.pathFor(checkpoint(edge))).list().size(), "no loss recorded");
    } finally {
      client.close();
      Edge.undeploy(vertx, server);
    }
  }

  @Test
  void aFileRotatedAndDeletedWhileTheClientIsStoppedIsALossCountedExactlyAndShownUntilAcknowledged(
      @TempDir Path dir) throws Exception {
    Edge edge = new Edge(central, "rotdelete", dir);
    int port = Tmpfs.freePort();
    int admin = Tmpfs.freePort();
    String server = server(port);
    Path conf = conf(edge, dir, port, admin);
    edge.append(10_000);
    ChildJvm client = ChildJvm.start("client", JAR, dir.resolve("client-0.log"), "client", "-conf", conf.toString());
    try {
      assertEquals(10_000, Await.value(edge::count, 10_000, Duration.ofSeconds(90)));
      long synced = Files.size(edge.spool);
      assertEquals(synced, Await.value(() -> new CheckpointStore(checkpoint(edge)).load().synced().offset(), synced,
          Duration.ofSeconds(30)));
      Edge.undeploy(vertx, server); // the server goes down: what follows is read, never acknowledged
      edge.append(10_000);
      long seen = Files.size(edge.spool);
      assertEquals(seen, Await.value(() -> new CheckpointStore(checkpoint(edge)).load().seenSize(), seen,
          Duration.ofSeconds(30)), "the checkpoint records how much of the file the client saw");
      client.kill9();
      // Telegraf with rotation_max_archives = 0: the file is rotated and the archive deleted at once
      Path archive = edge.spool.resolveSibling("metrics.2026-11-29-1764400000.lp");
      Files.move(edge.spool, archive);
      Files.delete(archive);
      edge.append(5_000); // lines 20,000..25,000 in a new file
      server = server(port);
      client = ChildJvm.start("client", JAR, dir.resolve("client-1.log"), "client", "-conf", conf.toString());
      assertEquals(15_000, Await.value(edge::count, 15_000, Duration.ofSeconds(90)),
          "the first 10,000 and the new file's 5,000; the deleted 10,000 are gone");
      var losses = new LossLedger(LossLedger.pathFor(checkpoint(edge))).list();
      assertEquals(1, losses.size(), "" + losses);
      assertEquals(seen - synced, losses.get(0).bytes(), "exactly the bytes of the 10,000 deleted lines");
      var ready = Await.until(() -> Edge.admin(admin, "/ready"), r -> r.getKey() == 503
          && r.getValue().encode().contains("outflux loss ack"), Duration.ofSeconds(30));
      assertTrue(ready.getValue().encode().contains((seen - synced) + " bytes"), ready.getValue().encode());
      Edge.Cli list = Edge.cli("loss", "list", "-c", conf.toString());
      assertEquals(1, list.exit(), list.out());
      assertTrue(list.out().contains((seen - synced) + " bytes") && list.out().contains("rotation_max_archives"),
          list.out());
      assertTrue(Files.readString(client.log()).contains("spool data lost: " + (seen - synced) + " bytes"));
      Edge.Cli ack = Edge.cli("loss", "ack", "-c", conf.toString());
      assertEquals(0, ack.exit(), ack.out());
      Await.until(() -> Edge.admin(admin, "/ready").getKey(), code -> code == 200, Duration.ofSeconds(30));
    } finally {
      client.close();
      Edge.undeploy(vertx, server);
    }
  }

  @Test
  void aNewFileReusingTheCheckpointsInodeIsReadAsANewFile(@TempDir Path dir) throws Exception {
    Edge edge = new Edge(central, "inodereuse", dir);
    int port = Tmpfs.freePort();
    String server = server(port);
    Path conf = conf(edge, dir, port, Tmpfs.freePort());
    edge.append(10_000);
    ChildJvm client = ChildJvm.start("client", JAR, dir.resolve("client-0.log"), "client", "-conf", conf.toString());
    try {
      assertEquals(10_000, Await.value(edge::count, 10_000, Duration.ofSeconds(90)));
      long synced = Files.size(edge.spool);
      assertEquals(synced, Await.value(() -> new CheckpointStore(checkpoint(edge)).load().synced().offset(), synced,
          Duration.ofSeconds(30)));
      client.kill9();
      Object inode = Files.getAttribute(edge.spool, "unix:ino");
      // the same inode, other content, longer than the checkpoint offset: only the content tells them apart
      TelegrafLikeLines other = new TelegrafLikeLines("edge-new", 1_770_000_000_000_000_000L);
      Files.write(edge.spool, other.block(0, 15_000), StandardOpenOption.TRUNCATE_EXISTING);
      assertEquals(inode, Files.getAttribute(edge.spool, "unix:ino"));
      client = ChildJvm.start("client", JAR, dir.resolve("client-1.log"), "client", "-conf", conf.toString());
      assertEquals(25_000, Await.value(edge::count, 25_000, Duration.ofSeconds(90)),
          "the new file's 15,000 lines from its start (not from the old offset)");
      assertTrue(Files.readString(client.log()).contains("not its content"), "the reuse is named");
      assertEquals(0, new LossLedger(LossLedger.pathFor(checkpoint(edge))).list().size(),
          "the old file was wholly synced: nothing lost");
    } finally {
      client.close();
      Edge.undeploy(vertx, server);
    }
  }

  private static String server(int port) throws Exception {
    return Edge.deploy(vertx, new ServerVerticle(), new JsonObject()
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", port))
        .put("influx", new JsonObject().put("url", central.influxd.url())));
  }

  private static Path checkpoint(Edge edge) {
    return Path.of(edge.spool + ".checkpoint");
  }

  private static Path conf(Edge edge, Path dir, int serverPort, int adminPort) throws Exception {
    JsonObject config = edge.clientConfig("interval", serverPort);
    config.getJsonObject("sync").put("interval", "200ms").put("maxBatchLines", 5000).put("maxInFlight", 4);
    config.put("admin", new JsonObject().put("port", adminPort));
    return Files.writeString(dir.resolve("client.json"), config.encodePrettily());
  }
}
