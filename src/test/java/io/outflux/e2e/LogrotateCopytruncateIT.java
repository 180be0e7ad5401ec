package io.outflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.demo.ChildJvm;
import io.outflux.server.ServerVerticle;
import io.outflux.spool.CheckpointStore;
import io.outflux.spool.LossLedger;
import io.outflux.testing.Await;
import io.outflux.testing.CentralInflux;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * logrotate's {@code copytruncate} under its own names, with a real client JVM and a real central
 * InfluxDB: the copy is made by {@code cp} under the real name {@code metrics.lp.1} (older copies
 * shifted to {@code .2} first, as {@code rotate N} does) and the file truncated by {@code truncate -s 0},
 * while the client is running with lines not yet read, and while it is stopped: exactly every point
 * arrives. With {@code compress} (no {@code delaycompress}) while stopped, only {@code metrics.lp.1.gz}
 * holds the unsynced lines: the loss is recorded with its exact bytes and lines, the copy is named
 * in the log, the status and {@code outflux status}, and following the advice sends them.
 */
class LogrotateCopytruncateIT {

  @RegisterExtension
  static final CentralInflux central = CentralInflux.perTestClass();
  private static Vertx vertx;
  private static final Path JAR = Path.of(System.getProperty("outflux.jar", "target/outflux.jar"));
  private static final Duration LONG = Duration.ofSeconds(120);

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void aCopytruncateToNameDotOneWhileTheClientRunsBehindLosesAndDuplicatesNothing(@TempDir Path dir)
      throws Exception {
    Edge edge = new Edge(central, "lrrunning", dir);
    int port = Tmpfs.freePort();
    int admin = Tmpfs.freePort();
    String server = server(port);
    Path conf = conf(edge, dir, port, admin);
    ChildJvm client = ChildJvm.start("client", JAR, dir.resolve("client.log"), "client", "-conf", conf.toString());
    try {
      edge.append(10_000);
      assertEquals(10_000, Await.value(edge::count, 10_000, LONG));
      Edge.undeploy(vertx, server); // the server goes down: the client reads only as far as its window
      long synced = Files.size(edge.spool);
      edge.append(60_000);
      // it reads some of them, at most its in-flight window (about 20,000 lines)
      Await.until(() -> readOffset(admin), read -> read > synced, LONG);
      logrotateCopytruncate(edge.spool); // the rest are not read yet: they are only in the copy now
      edge.append(5_000);
      server = server(port);
      assertEquals(75_000, Await.value(edge::count, 75_000, LONG), "logs in " + dir);
      edge.append(5_000);
      logrotateCopytruncate(edge.spool); // a second rotation while it keeps up
      edge.append(5_000);
      assertEquals(85_000, Await.value(edge::count, 85_000, LONG), "logs in " + dir);
      String log = Files.readString(client.log());
      assertTrue(log.contains("metrics.lp.1 holds its content (a copytruncate)"), "named in the log");
      assertEquals(0, new LossLedger(LossLedger.pathFor(checkpoint(edge))).list().size(), "no loss");
      Await.until(() -> Files.exists(dir.resolve("metrics.lp.1")) || Files.exists(dir.resolve("metrics.lp.2")),
          present -> !present, LONG); // the copies are deleted once all of them is acknowledged
      assertEquals(85_000, edge.count(), "exactly: nothing twice, nothing missing");
    } finally {
      client.close();
      Edge.undeploy(vertx, server);
    }
  }

  @Test
  void aCopytruncateToNameDotOneWhileTheClientIsStoppedResumesInTheCopy(@TempDir Path dir) throws Exception {
    Edge edge = new Edge(central, "lrstopped", dir);
    int port = Tmpfs.freePort();
    String server = server(port);
    Path conf = conf(edge, dir, port, Tmpfs.freePort());
    edge.append(10_000);
    ChildJvm client = ChildJvm.start("client", JAR, dir.resolve("client-0.log"), "client", "-conf", conf.toString());
    try {
      assertEquals(10_000, Await.value(edge::count, 10_000, LONG));
      long synced = Files.size(edge.spool);
      Await.value(() -> new CheckpointStore(checkpoint(edge)).load().synced().offset(), synced, LONG);
      Edge.undeploy(vertx, server);
      edge.append(10_000); // read (maybe), never acknowledged
      client.kill9();
      logrotateCopytruncate(edge.spool);
      edge.append(5_000);
      server = server(port);
      client = ChildJvm.start("client", JAR, dir.resolve("client-1.log"), "client", "-conf", conf.toString());
      assertEquals(25_000, Await.value(edge::count, 25_000, LONG), "logs in " + dir);
      assertTrue(Files.readString(client.log()).contains("metrics.lp.1 holds its content (a copytruncate)"));
      assertEquals(0, new LossLedger(LossLedger.pathFor(checkpoint(edge))).list().size(), "no loss");
      Await.until(() -> Files.exists(dir.resolve("metrics.lp.1")), present -> !present, LONG);
      assertEquals(25_000, edge.count());
    } finally {
      client.close();
      Edge.undeploy(vertx, server);
    }
  }

  /**
   * The client restarts with its checkpoint inside the active file (it resumes in the file itself, not in
   * a copy), reads on past it with the server down, and a copytruncate follows: the copy holds the lines
   * after the checkpoint, read and handed on but not acknowledged. The checkpoint is saved again for the
   * size seen (nothing acknowledged) while the client reads the file's new content, and compaction runs:
   * the copy must stay. A kill -9 then, and a restart with the server up, sends every line exactly once.
   * (Before e63e92c the checkpoint's position was taken for the new content and the copy was deleted:
   * the lines after the checkpoint were lost.)
   */
  @Test
  void aCopytruncateAfterARestartInTheActiveFileKeepsTheCopyTillItsLinesAreAcknowledgedThroughAKillNine(
      @TempDir Path dir) throws Exception {
    Edge edge = new Edge(central, "lrresumed", dir);
    int port = Tmpfs.freePort();
    int admin = Tmpfs.freePort();
    String server = server(port);
    Path conf = conf(edge, dir, port, admin);
    Path copy = dir.resolve("metrics.lp.1");
    edge.append(10_000);
    ChildJvm client = ChildJvm.start("client", JAR, dir.resolve("client-0.log"), "client", "-conf", conf.toString());
    try {
      assertEquals(10_000, Await.value(edge::count, 10_000, LONG));
      long checkpointAt = Files.size(edge.spool);
      Await.value(() -> new CheckpointStore(checkpoint(edge)).load().synced().offset(), checkpointAt, LONG);
      Edge.undeploy(vertx, server); // nothing is acknowledged from here till the last restart
      client.kill9();
      edge.append(8_000); // after the checkpoint, in the file it resumes in
      long oldSize = Files.size(edge.spool);
      client = ChildJvm.start("client", JAR, dir.resolve("client-1.log"), "client", "-conf", conf.toString());
      // all read and handed on (within the in-flight window), none acknowledged
      Await.until(() -> readOffset(admin), read -> read == oldSize, LONG);
      // the periodic seen-size save (every 5 s) while in the old content: the next one, in the new, differs
      assertEquals(oldSize, Await.value(() -> new CheckpointStore(checkpoint(edge)).load().seenSize(), oldSize, LONG));
      logrotateCopytruncate(edge.spool); // the copy holds the 8,000 lines after the checkpoint
      edge.append(1_000);
      long newSize = Files.size(edge.spool);
      assertTrue(newSize < checkpointAt, "the new content ends before the checkpoint's offset");
      // the copy read to its end, the file's new content read too
      Await.until(() -> readOffset(admin), read -> read == newSize, LONG);
      // saved again (the same synced position, the size now seen) and compacted after that save
      assertEquals(checkpointAt,
          Await.value(() -> new CheckpointStore(checkpoint(edge)).load().seenSize(), checkpointAt, LONG));
      edge.nothingSentFor(10_000, Duration.ofSeconds(3), "the server is down: nothing after the checkpoint is "
          + "acknowledged while compaction runs after the save");
      boolean copyKept = Files.exists(copy);
      client.kill9();
      server = server(port);
      client = ChildJvm.start("client", JAR, dir.resolve("client-2.log"), "client", "-conf", conf.toString());
      assertEquals(19_000, Await.value(edge::count, 19_000, Duration.ofSeconds(60)),
          "every line: the 8,000 after the checkpoint only the copy holds too; logs in " + dir);
      assertTrue(copyKept, "the copy was kept while its lines after the checkpoint were unacknowledged");
      assertTrue(Files.readString(client.log()).contains("metrics.lp.1 holds its content (a copytruncate)"));
      assertEquals(0, new LossLedger(LossLedger.pathFor(checkpoint(edge))).list().size(), "no loss");
      Await.until(() -> Files.exists(copy), present -> !present, LONG); // deleted once acknowledged to its end
      assertEquals(19_000, edge.count(), "still exactly every point once the copy is gone");
    } finally {
      client.close();
      Edge.undeploy(vertx, server);
    }
  }

  @Test
  void aCompressedCopyWhileStoppedIsALossOfExactBytesAndLinesReportedWithTheWayToSendThem(@TempDir Path dir)
      throws Exception {
    Edge edge = new Edge(central, "lrgzip", dir);
    int port = Tmpfs.freePort();
    int admin = Tmpfs.freePort();
    String server = server(port);
    Path conf = conf(edge, dir, port, admin);
    edge.append(10_000);
    ChildJvm client = ChildJvm.start("client", JAR, dir.resolve("client-0.log"), "client", "-conf", conf.toString());
    try {
      assertEquals(10_000, Await.value(edge::count, 10_000, LONG));
      long synced = Files.size(edge.spool);
      Await.value(() -> new CheckpointStore(checkpoint(edge)).load().synced().offset(), synced, LONG);
      Edge.undeploy(vertx, server);
      edge.append(10_000);
      long size = Files.size(edge.spool);
      client.kill9();
      logrotateCopytruncate(edge.spool);
      run(dir, "gzip", "metrics.lp.1"); // compress without delaycompress: only .1.gz is left
      assertFalse(Files.exists(dir.resolve("metrics.lp.1")));
      edge.append(5_000);
      server = server(port);
      client = ChildJvm.start("client", JAR, dir.resolve("client-1.log"), "client", "-conf", conf.toString());
      assertEquals(15_000, Await.value(edge::count, 15_000, LONG), "the first 10,000 and the new file's 5,000");
      List<LossLedger.Loss> losses = new LossLedger(LossLedger.pathFor(checkpoint(edge))).list();
      assertEquals(1, losses.size(), "" + losses);
      assertEquals(size - synced, losses.get(0).bytes(), "exactly the bytes only the compressed copy holds");
      assertEquals(10_000, losses.get(0).lines(), "and exactly their lines, counted through gzip");
      Edge.Cli list = Edge.cli("loss", "list", "-c", conf.toString());
      assertTrue(list.out().contains((size - synced) + " bytes (10000 lines)") && list.out().contains("zcat"),
          list.out());
      JsonObject status = Await.until(() -> Edge.admin(admin, "/status").getValue(),
          s -> s.getJsonObject("spool").containsKey("unaccountedFiles"), LONG);
      JsonArray strays = status.getJsonObject("spool").getJsonArray("unaccountedFiles");
      assertEquals("metrics.lp.1.gz", strays.getJsonObject(0).getString("file"), strays.encode());
      assertEquals(10_000L, status.getJsonObject("spool").getJsonObject("losses").getLong("lines"));
      Edge.Cli human = Edge.cli("status", "--conf", conf.toString());
      assertTrue(human.out().contains("unaccounted") && human.out().contains("metrics.lp.1.gz")
          && human.out().contains("10000 lines"), human.out());
      String log = Files.readString(client.log());
      assertEquals(1, log.lines().filter(l -> l.contains("metrics.lp.1.gz (") && l.contains("left alone")).count(),
          "named once in the log: " + log);
      assertTrue(log.contains("spool data lost: " + (size - synced) + " bytes (10000 lines)"), log);
      // what the loss says to do: send the copy's bytes after the synced offset
      run(dir, "sh", "-c", "zcat metrics.lp.1.gz | tail -c +" + (synced + 1) + " >> metrics.lp");
      assertEquals(25_000, Await.value(edge::count, 25_000, LONG), "every point, after following the advice");
      assertTrue(Files.exists(dir.resolve("metrics.lp.1.gz")), "never deleted by the client");
    } finally {
      client.close();
      Edge.undeploy(vertx, server);
    }
  }

  /**
   * What logrotate's {@code copytruncate} with {@code rotate N} does: shift the older copies up by one,
   * copy the file to {@code <name>.1}, truncate the file in place (the writer appends on at offset 0).
   */
  private static void logrotateCopytruncate(Path spool) throws Exception {
    Path dir = spool.getParent();
    for (int n = 8; n >= 1; n--) {
      Path older = dir.resolve("metrics.lp." + n);
      if (Files.exists(older)) {
        run(dir, "mv", older.toString(), dir.resolve("metrics.lp." + (n + 1)).toString());
      }
    }
    run(dir, "cp", spool.toString(), dir.resolve("metrics.lp.1").toString());
    run(dir, "truncate", "-s", "0", spool.toString());
  }

  /** Runs a command (in {@code dir}) to its end; it must succeed. */
  private static void run(Path dir, String... command) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).directory(dir.toFile());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), List.of(command) + " did not end");
    assertEquals(0, p.exitValue(), List.of(command) + ": " + out);
  }

  private static String server(int port) throws Exception {
    return Edge.deploy(vertx, new ServerVerticle(), new JsonObject()
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", port))
        .put("influx", new JsonObject().put("url", central.influxd.url())));
  }

  /** The client's live read offset in the file it reads, from its {@code GET /status}. */
  private static long readOffset(int admin) throws Exception {
    return Edge.admin(admin, "/status").getValue().getJsonObject("spool").getLong("readOffset", 0L);
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
