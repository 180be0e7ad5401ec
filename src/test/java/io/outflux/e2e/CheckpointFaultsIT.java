package io.outflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.demo.ChildJvm;
import io.outflux.spool.CheckpointStore;
import io.outflux.testing.Await;
import io.outflux.testing.CentralInflux;
import io.vertx.core.Vertx;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broken checkpoint file, with a real client JVM and a real central InfluxDB: a torn write or one
 * damaged slot falls back to the other slot (one WARN, the lines after it resent, exactly every point
 * centrally); both slots damaged stops the client with exit 2 and one line naming the file and
 * {@code outflux checkpoint}, whose reset resends ({@code --from-start}) or skips ({@code --from-end}).
 */
class CheckpointFaultsIT {

  /** The slot layout of format 4 (docs/spool.md): two 4 KiB slots. */
  private static final int SLOT = 4096;

  @RegisterExtension
  static final CentralInflux central = CentralInflux.perTestClass();
  private static Vertx vertx;
  private static int serverPort;
  private static final Path JAR = Path.of(System.getProperty("outflux.jar", "target/outflux.jar"));

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    serverPort = Edge.deployServer(vertx, central, 0).actualPort();
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void aTornWriteCuttingTheNewestSlotFallsBackToTheOtherWithOneWarningAndLosesNothing(@TempDir Path dir)
      throws Exception {
    oneSlotDamaged(dir, "torn", (file, newestAt) -> {
      try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
        if (newestAt == SLOT) {
          f.setLength(SLOT + 100); // the write of slot B stopped 100 bytes in: the file ends there
        } else {
          f.seek(100); // slot A: only its first 100 bytes reached the disk, the rest is what was there before
          f.write(new byte[SLOT - 100]);
        }
      }
    }, "is damaged (");
  }

  @Test
  void aSlotOverwrittenWithGarbageFallsBackToTheOtherWithOneWarningAndLosesNothing(@TempDir Path dir)
      throws Exception {
    oneSlotDamaged(dir, "garbage", (file, newestAt) -> {
      byte[] junk = new byte[SLOT];
      new Random(7).nextBytes(junk);
      try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
        f.seek(newestAt);
        f.write(junk);
      }
    }, "is damaged (not a checkpoint slot");
  }

  @Test
  void bothSlotsDamagedStopsWithExit2AndOneLineThenResetFromStartResendsWhatIsInTheSpool(@TempDir Path dir)
      throws Exception {
    Edge edge = new Edge(central, "both", dir);
    Path conf = conf(edge, dir);
    edge.append(10_000);
    syncAndKill(edge, conf, dir.resolve("client-0.log"));
    byte[] junk = new byte[3 * SLOT / 2];
    new Random(11).nextBytes(junk);
    Files.write(checkpoint(edge), junk);
    edge.append(5_000);

    try (ChildJvm refused = client(conf, dir.resolve("client-1.log"))) {
      assertEquals(2, refused.awaitExit(Duration.ofSeconds(60)), Files.readString(refused.log()));
      String log = Files.readString(refused.log());
      String line = log.lines().filter(l -> l.contains("outflux: cannot start the client: checkpoint")).findFirst()
          .orElseThrow(() -> new AssertionError(log));
      assertTrue(line.contains(checkpoint(edge).toString()) && line.contains("slot A:") && line.contains("slot B:")
          && line.contains("outflux checkpoint reset --from-start"), line);
      assertFalse(log.contains("\tat "), "no stack trace: " + log);
    }
    Edge.Cli inspect = Edge.cli("checkpoint", "inspect", "-c", conf.toString());
    assertEquals(1, inspect.exit(), inspect.out());
    assertTrue(inspect.out().contains("slot A: damaged: not a checkpoint slot"), inspect.out());
    Edge.Cli reset = Edge.cli("checkpoint", "reset", "--from-start", "-c", conf.toString());
    assertEquals(0, reset.exit(), reset.out());
    assertEquals(0, Edge.cli("checkpoint", "inspect", "-c", conf.toString()).exit());

    try (ChildJvm client = client(conf, dir.resolve("client-2.log"))) {
      assertEquals(15_000, Await.value(edge::count, 15_000L, Duration.ofSeconds(90)),
          "the 5,000 new lines and the resent 10,000, each point once");
    }
  }

  @Test
  void resetFromEndSkipsWhatTheSpoolHoldsAndSyncsOnlyWhatIsWrittenAfter(@TempDir Path dir) throws Exception {
    Edge edge = new Edge(central, "fromend", dir);
    Path conf = conf(edge, dir);
    edge.append(10_000); // never synced
    Files.write(checkpoint(edge), new byte[] {'x', 'y', 'z'});
    Edge.Cli reset = Edge.cli("checkpoint", "reset", "--from-end", "-c", conf.toString());
    assertEquals(0, reset.exit(), reset.out());
    assertTrue(reset.out().contains("will not reach the central InfluxDB"), reset.out());
    edge.append(5_000);
    try (ChildJvm client = client(conf, dir.resolve("client.log"))) {
      assertEquals(5_000, Await.value(edge::count, 5_000L, Duration.ofSeconds(90)));
      edge.nothingSentFor(5_000, Duration.ofSeconds(3), "the 10,000 skipped lines stay skipped");
    }
  }

  // ---- helpers

  @FunctionalInterface
  private interface Damage {
    void apply(Path checkpoint, long newestSlotAt) throws Exception;
  }

  private static void oneSlotDamaged(Path dir, String db, Damage damage, String warning) throws Exception {
    Edge edge = new Edge(central, db, dir);
    Path conf = conf(edge, dir);
    edge.append(20_000);
    syncAndKill(edge, conf, dir.resolve("client-0.log"));
    CheckpointStore.Inspection before = new CheckpointStore(checkpoint(edge)).inspect();
    long newestAt = before.generation() % 2 * SLOT;
    damage.apply(checkpoint(edge), newestAt);
    edge.append(10_000);
    try (ChildJvm client = client(conf, dir.resolve("client-1.log"))) {
      long synced = Await.value(edge::count, 30_000L, Duration.ofSeconds(90));
      assertEquals(30_000, synced, "every point exactly once: the lines after the older slot's position are resent, "
          + "not lost; log: " + Files.readString(client.log()));
      String log = Files.readString(client.log());
      assertEquals(1, log.lines().filter(l -> l.contains("WARN") && l.contains(warning)).count(), log);
      assertFalse(log.contains("from their start"), "no silent resend of the whole spool: " + log);
      long size = Files.size(edge.spool);
      assertEquals(size, Await.value(() -> new CheckpointStore(checkpoint(edge)).load().synced().offset(), size,
          Duration.ofSeconds(30)), "the client writes checkpoints again");
    }
  }

  /** Starts the client, waits until every line is synced and checkpointed, then kill -9. */
  private static void syncAndKill(Edge edge, Path conf, Path log) throws Exception {
    ChildJvm client = client(conf, log);
    try {
      long n = edge.written();
      assertEquals(n, Await.value(edge::count, n, Duration.ofSeconds(90)));
      long size = Files.size(edge.spool);
      assertEquals(size, Await.value(() -> new CheckpointStore(checkpoint(edge)).load().synced().offset(), size,
          Duration.ofSeconds(30)));
    } finally {
      client.kill9();
    }
  }

  private static Path checkpoint(Edge edge) {
    return Path.of(edge.spool + ".checkpoint");
  }

  private static Path conf(Edge edge, Path dir) throws Exception {
    var config = edge.clientConfig("interval", serverPort);
    config.getJsonObject("sync").put("interval", "200ms").put("maxBatchLines", 2000);
    return Files.writeString(dir.resolve("client.json"), config.encodePrettily());
  }

  private static ChildJvm client(Path conf, Path log) throws Exception {
    return ChildJvm.start("client", JAR, log, "client", "-conf", conf.toString());
  }
}
