package io.outflux.spool;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.batch.BatchVerticle;
import io.outflux.batch.SyncConfig;
import io.outflux.client.ClientBus;
import io.outflux.config.ConfigReader;
import io.outflux.lineprotocol.Precision;
import io.outflux.testing.Await;
import io.outflux.testing.LogCapture;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The tail against real files: rotation, archives, restarts, compaction, dead letters, backpressure. */
@ExtendWith(VertxExtension.class)
class SpoolTailTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir
  Path dir;
  Path spool;
  Vertx vertx;
  String tailDeployment;
  io.outflux.deadletter.DeadLetterVerticle deadLetters;

  /** Stands in for the batcher: takes every chunk and acknowledges it at once (unless told not to). */
  static final class AckingBatcher extends VerticleBase {
    final List<String> lines = new CopyOnWriteArrayList<>();
    /** Each chunk's {@link SpoolChunk#atSpoolEnd}, in order. */
    final List<Boolean> atEnd = new CopyOnWriteArrayList<>();
    final AtomicLong seq = new AtomicLong();
    volatile boolean ack = true;
    /** While set, chunks are taken but not accepted (the tail waits, as behind a full in-flight window). */
    volatile boolean hold;
    final List<io.vertx.core.eventbus.Message<SpoolChunk>> held = new CopyOnWriteArrayList<>();

    /** Accepts the chunks held back, and the next ones at once. */
    void release() {
      context.runOnContext(v -> {
        hold = false;
        held.forEach(this::take);
        held.clear();
      });
    }

    @Override
    public Future<?> start() {
      vertx.eventBus().<SpoolChunk>localConsumer(ClientBus.LINES, msg -> {
        if (hold) {
          held.add(msg);
        } else {
          take(msg);
        }
      });
      return Future.succeededFuture();
    }

    private void take(io.vertx.core.eventbus.Message<SpoolChunk> msg) {
      {
        SpoolChunk chunk = msg.body();
        atEnd.add(chunk.atSpoolEnd());
        for (String l : chunk.lines().toString(StandardCharsets.UTF_8).split("\n")) {
          lines.add(l);
        }
        assertEquals(chunk.lineCount(), chunk.lines().toString().split("\n").length);
        msg.reply(null);
        if (ack) {
          vertx.eventBus().publish(ClientBus.ACKED, new Checkpoint(chunk.end(), seq.incrementAndGet()));
        }
      }
    }
  }

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    this.spool = dir.resolve("metrics.lp");
    ClientBus.registerCodecs(vertx);
  }

  private SpoolConfig config(int chunk, long compactEvery) {
    return new SpoolConfig(spool, Path.of(spool + ".checkpoint"), Path.of(spool + ".deadletter"),
        Duration.ofMillis(10), chunk, 1000, compactEvery);
  }

  private static String line(long i) {
    return "m,host=a v=" + i + "i " + (1_000_000_000L + i);
  }

  private static String lines(long from, long to) {
    StringBuilder sb = new StringBuilder();
    for (long i = from; i < to; i++) {
      sb.append(line(i)).append('\n');
    }
    return sb.toString();
  }

  private static List<String> expected(long from, long to) {
    List<String> l = new ArrayList<>();
    for (long i = from; i < to; i++) {
      l.add(line(i));
    }
    return l;
  }

  private void append(Path file, String text) throws Exception {
    Files.writeString(file, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  private String deploy(io.vertx.core.Deployable v) throws Exception {
    return vertx.deployVerticle(v).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  /** The tail with the dead-letter file's owner beside it (as in the client: it needs one). */
  private SpoolTailVerticle startTail(SpoolConfig config) throws Exception {
    if (deadLetters == null) {
      deadLetters = new io.outflux.deadletter.DeadLetterVerticle(config.deadLetter(), io.outflux.client.ClientMeters.of("tail-test"));
      deploy(deadLetters);
    }
    Checkpoint cp = new CheckpointStore(config.checkpoint()).load();
    SpoolTailVerticle tail = new SpoolTailVerticle(config, Precision.NS, cp, io.outflux.client.ClientMeters.of("tail-test"));
    tailDeployment = deploy(tail);
    return tail;
  }

  private Path archive(long unixSeconds) {
    return dir.resolve("metrics.2026-11-29-" + unixSeconds + ".lp");
  }

  @Test
  void telegrafRotationFinishesTheOldFileThenReadsTheNewOneAndDeletesTheSyncedArchive() throws Exception {
    AckingBatcher batcher = new AckingBatcher();
    deploy(batcher);
    append(spool, lines(0, 500));
    startTail(config(4096, 0));
    assertEquals(500, Await.value(() -> batcher.lines.size(), 500, WAIT));
    batcher.ack = false;
    append(spool, lines(500, 700));
    Files.move(spool, archive(1764400000L)); // what Telegraf's rotate does: rename, then open a new file
    append(spool, lines(700, 1000));
    assertEquals(1000, Await.value(() -> batcher.lines.size(), 1000, WAIT));
    assertEquals(expected(0, 1000), batcher.lines, "every line once, the old file's first");
    assertTrue(Files.exists(archive(1764400000L)), "not deleted before its lines are acknowledged");
    batcher.ack = true;
    append(spool, lines(1000, 1001));
    assertEquals(0, Await.value(() -> Files.exists(archive(1764400000L)) ? 1 : 0, 0, WAIT),
        "the archive is deleted once everything in it is acknowledged");
    assertEquals(expected(0, 1001), batcher.lines);
  }

  @Test
  void onlyAReadThatTakesEveryCompleteLineOfTheActiveFileSaysTheSpoolIsReadToItsEnd() throws Exception {
    Files.writeString(archive(1_764_400_000L), lines(0, 300)); // about 10 KB: 3 reads of 4 KiB
    append(spool, lines(300, 600) + "m,host=a v=1i"); // 3 reads, and an unfinished last line Telegraf is writing
    AckingBatcher batcher = new AckingBatcher();
    deploy(batcher);
    startTail(config(4096, 0));
    Await.value(() -> batcher.lines.size(), 600, WAIT);
    List<Boolean> first = List.copyOf(batcher.atEnd);
    assertTrue(first.size() >= 4, "several chunks: " + first);
    assertEquals(List.of(true), first.subList(first.size() - 1, first.size()), "the last read took all there was");
    assertTrue(first.subList(0, first.size() - 1).stream().noneMatch(b -> b),
        "the archive's reads and the active file's reads with more behind them: " + first);
    append(spool, " 1000000999\n" + lines(601, 610));
    Await.value(() -> batcher.lines.size(), 610, WAIT);
    assertEquals(true, batcher.atEnd.get(batcher.atEnd.size() - 1), "new lines read at once: the end again");
  }

  @Test
  void leftoverArchivesAreReadOldestFirstThenTheActiveFile() throws Exception {
    append(archive(300), lines(200, 300));
    append(archive(100), lines(0, 100));
    append(archive(200), lines(100, 200));
    append(spool, lines(300, 400));
    AckingBatcher batcher = new AckingBatcher();
    deploy(batcher);
    startTail(config(4096, 0));
    assertEquals(400, Await.value(() -> batcher.lines.size(), 400, WAIT));
    assertEquals(expected(0, 400), batcher.lines);
    assertEquals(0, Await.value(() -> Files.exists(archive(300)) ? 1 : 0, 0, WAIT));
    assertFalse(Files.exists(archive(100)) || Files.exists(archive(200)));
  }

  @Test
  void aRestartResumesExactlyAtTheCheckpointEvenAfterARotationWhileStopped() throws Exception {
    AckingBatcher batcher = hundredLinesSynced();
    vertx.undeploy(tailDeployment)
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    append(spool, lines(100, 150));
    Files.move(spool, archive(500));
    append(spool, lines(150, 200));
    startTail(config(4096, 0));
    assertEquals(200, Await.value(() -> batcher.lines.size(), 200, WAIT));
    assertEquals(expected(0, 200), batcher.lines, "nothing twice, nothing missing");
  }

  @Test
  void theSyncedPrefixOfTheActiveFileIsPunchedOutWhileItsSizeAndNewLinesStay() throws Exception {
    AckingBatcher batcher = new AckingBatcher();
    deploy(batcher);
    append(spool, lines(0, 40_000)); // about 1.2 MB
    long size = Files.size(spool);
    startTail(config(64 * 1024, 256 * 1024));
    assertEquals(40_000, Await.value(() -> batcher.lines.size(), 40_000, WAIT));
    assertEquals(1, Await.value(() -> bytesAreZero(spool, SpoolFileKey.HEAD_BYTES, 256 * 1024) ? 1 : 0, 1, WAIT),
        "the synced prefix reads as zeros (deallocated)");
    byte[] head = new byte[SpoolFileKey.HEAD_BYTES];
    try (FileChannel ch = FileChannel.open(spool, StandardOpenOption.READ)) {
      ch.read(java.nio.ByteBuffer.wrap(head), 0);
    }
    assertTrue(new String(head, java.nio.charset.StandardCharsets.UTF_8).startsWith(lines(0, 1)),
        "the first block keeps the file's first line: it names the file to the server");
    assertTrue(allocatedBytes(spool) < size / 2, "disk use shrank: " + allocatedBytes(spool) + " of " + size);
    assertEquals(size, Files.size(spool), "the size and so every offset stays");
    append(spool, lines(40_000, 40_100));
    assertEquals(40_100, Await.value(() -> batcher.lines.size(), 40_100, WAIT));
    assertEquals(expected(0, 40_100), batcher.lines);
  }

  @Test
  void aSpoolThatCannotBeReadIsWarnedAboutOnceNotAtEveryPoll() throws Exception {
    deploy(new AckingBatcher());
    Files.createDirectory(spool); // cannot be read as a file: every poll (10 ms here) fails
    try (LogCapture log = new LogCapture(SpoolTailVerticle.class)) {
      startTail(config(4096, 0));
      java.util.function.Supplier<Long> warnings = () -> log.messages().stream()
          .filter(m -> m.contains("cannot open spool file") || m.contains("reading the spool")).count();
      Await.until(warnings::get, n -> n >= 1, WAIT);
      org.awaitility.Awaitility.await("no second warning while polling").during(Duration.ofSeconds(1))
          .atMost(Duration.ofSeconds(5)).until(warnings::get, n -> n == 1);
    }
  }

  @Test
  void invalidAndOversizedLinesGoToTheDeadLetterFileAndTheLinesBehindThemFlow() throws Exception {
    AckingBatcher batcher = new AckingBatcher();
    deploy(batcher);
    String huge = "m v=\"" + "x".repeat(10_000) + "\" 1";
    append(spool, line(0) + "\nnot line protocol\n" + huge + "\n" + line(1) + "\r\n# comment\n\n" + line(2) + "\n");
    SpoolTailVerticle tail;
    try (LogCapture log = new LogCapture(io.outflux.deadletter.DeadLetterVerticle.class)) {
      tail = startTail(config(4096, 0));
      assertEquals(3, Await.value(() -> batcher.lines.size(), 3, WAIT));
      assertTrue(log.messages().stream().anyMatch(m -> m.contains("dead-lettered")), log.messages().toString());
    }
    assertEquals(expected(0, 3), batcher.lines);
    assertEquals(2, deadLetters.deadLettered());
    Path dead = Path.of(spool + ".deadletter");
    List<String> records = Files.readAllLines(dead);
    assertEquals(2, records.size(), records.toString());
    JsonObject first = new JsonObject(records.get(0));
    assertEquals("not line protocol", first.getString("line"));
    assertEquals(line(0).length() + 1, first.getLong("offset"));
    assertEquals("metrics.lp", first.getString("file"));
    JsonObject second = new JsonObject(records.get(1));
    assertEquals("oversized", second.getString("stage"));
    assertTrue(second.getBoolean("truncated"));
  }

  @Test
  void linesWithoutTimestampKeepTheirFirstStampWhenReadAgainAfterARestart() throws Exception {
    AckingBatcher batcher = new AckingBatcher();
    batcher.ack = false; // the server never answered before the "crash"
    deploy(batcher);
    append(spool, "u v=1\nu v=2\n" + line(0) + "\nu v=3\n");
    startTail(config(4096, 0));
    assertEquals(4, Await.value(() -> batcher.lines.size(), 4, WAIT));
    List<String> first = List.copyOf(batcher.lines);
    assertTrue(first.get(0).matches("u v=1 \\d+"), first.toString());
    Path journal = Path.of(spool + ".checkpoint.stamps");
    assertTrue(Files.exists(journal), "the stamps are durable before the lines leave");
    vertx.undeploy(tailDeployment).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    long stopped = System.currentTimeMillis(); // the clock moves on: a line stamped again would get another stamp
    org.awaitility.Awaitility.await().atMost(WAIT).until(() -> System.currentTimeMillis() > stopped + 20);
    batcher.lines.clear();
    batcher.ack = true;
    startTail(config(4096, 0));
    assertEquals(4, Await.value(() -> batcher.lines.size(), 4, WAIT));
    assertEquals(first, batcher.lines, "a resend after a restart overwrites the same points");
    assertEquals(0, Await.value(() -> Files.exists(journal) ? 1 : 0, 0, WAIT), "stamps are forgotten once synced");
  }

  @Test
  void anUnfinishedLastLineWaitsInTheActiveFileButDoesNotBlockTheFilesAfterARotation() throws Exception {
    AckingBatcher batcher = new AckingBatcher();
    deploy(batcher);
    append(archive(100), lines(0, 10) + "m,host=a v=cut-off-by-a-cra");
    append(spool, lines(10, 20) + "m,host=a v=20i 10000000");
    startTail(config(4096, 0));
    assertEquals(20, Await.value(() -> batcher.lines.size(), 20, WAIT));
    await("the active file's last line waits for its newline").during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(5)).until(() -> batcher.lines.size() == 20);
    append(spool, "20\n");
    assertEquals(21, Await.value(() -> batcher.lines.size(), 21, WAIT));
    append(spool, "m,host=a v=21i 1000000021"); // no newline, and then Telegraf rotates
    Files.move(spool, archive(200));
    append(spool, lines(22, 30));
    assertEquals(29, Await.value(() -> batcher.lines.size(), 29, WAIT));
    List<String> want = new ArrayList<>(expected(0, 10));
    want.addAll(expected(10, 20));
    want.add("m,host=a v=20i 1000000020");
    want.addAll(expected(22, 30));
    assertEquals(want, batcher.lines);
    List<String> dead = Files.readAllLines(Path.of(spool + ".deadletter"));
    assertEquals(2, dead.size(), dead.toString());
    assertTrue(dead.get(0).contains("cut-off-by-a-cra") && dead.get(0).contains("incomplete last line"), dead.get(0));
  }

  @Test
  void truncationIsDetectedLoggedAndTheNewContentRead() throws Exception {
    AckingBatcher batcher = new AckingBatcher();
    deploy(batcher);
    append(spool, lines(0, 100));
    try (LogCapture log = new LogCapture(SpoolTailVerticle.class)) {
      startTail(config(4096, 0));
      assertEquals(100, Await.value(() -> batcher.lines.size(), 100, WAIT));
      try (FileChannel ch = FileChannel.open(spool, StandardOpenOption.WRITE)) {
        ch.truncate(0);
      }
      append(spool, lines(100, 110));
      assertEquals(110, Await.value(() -> batcher.lines.size(), 110, WAIT));
      assertTrue(log.messages().stream().anyMatch(m -> m.contains("truncated")), log.messages().toString());
    }
    assertEquals(expected(0, 110), batcher.lines);
  }

  /** logrotate's copytruncate: copy under the name given, then truncate in place (what cp + truncate -s 0 do). */
  private void copytruncate(Path copy) throws Exception {
    Files.copy(spool, copy);
    try (FileChannel ch = FileChannel.open(spool, StandardOpenOption.WRITE)) {
      ch.truncate(0);
    }
  }

  @Test
  void aLogrotateCopytruncateToNameDotOneIsReadOnInTheCopyThenTheTruncatedFileFromItsStart() throws Exception {
    AckingBatcher batcher = new AckingBatcher();
    batcher.hold = true;
    deploy(batcher);
    append(spool, lines(0, 1000)); // about 24 KB: the tail reads the first 4 KiB and waits for the batcher
    startTail(config(4096, 0));
    Await.until(() -> batcher.held.size(), n -> n == 1, WAIT);
    copytruncate(dir.resolve("metrics.lp.1"));
    append(spool, lines(1000, 1010));
    try (LogCapture log = new LogCapture(SpoolTailVerticle.class)) {
      batcher.release();
      assertEquals(1010, Await.value(() -> batcher.lines.size(), 1010, WAIT));
      assertTrue(log.messages().stream().anyMatch(m -> m.contains("metrics.lp.1 holds its content (a copytruncate)")),
          log.messages().toString());
    }
    assertEquals(expected(0, 1010), batcher.lines, "the rest from the copy, then the truncated file from its start");
    assertEquals(0, Await.value(() -> Files.exists(dir.resolve("metrics.lp.1")) ? 1 : 0, 0, WAIT),
        "the copy is deleted once all of it is acknowledged");
    assertFalse(Files.exists(LossLedger.pathFor(Path.of(spool + ".checkpoint"))), "no loss");
  }

  /** Starts the tail on 100 lines and waits until they are read, acknowledged and in the checkpoint. */
  private AckingBatcher hundredLinesSynced() throws Exception {
    AckingBatcher batcher = new AckingBatcher();
    deploy(batcher);
    append(spool, lines(0, 100));
    startTail(config(4096, 0));
    assertEquals(100, Await.value(() -> batcher.lines.size(), 100, WAIT));
    Path cp = Path.of(spool + ".checkpoint");
    long size = Files.size(spool);
    assertEquals(size, Await.value(() -> new CheckpointStore(cp).load().synced().offset(), size, WAIT));
    return batcher;
  }

  @Test
  void aCopytruncateAfterEverythingWasReadAndAcknowledgedStillDeletesTheCopy() throws Exception {
    AckingBatcher batcher = hundredLinesSynced();
    copytruncate(dir.resolve("metrics.lp.1")); // the copy holds nothing the tail has not read and sent
    append(spool, lines(100, 110));
    assertEquals(110, Await.value(() -> batcher.lines.size(), 110, WAIT));
    assertEquals(expected(0, 110), batcher.lines, "nothing twice, nothing missing");
    assertEquals(0, Await.value(() -> Files.exists(dir.resolve("metrics.lp.1")) ? 1 : 0, 0, WAIT),
        "a copy whose content was all acknowledged before the truncation is deleted, not left in the spool");
    append(spool, lines(110, 120)); // and stays deletable: later acknowledgements do not bring it back
    assertEquals(120, Await.value(() -> batcher.lines.size(), 120, WAIT));
  }

  @Test
  void afterARestartInACopytruncatesCopyTheCopyStaysUntilItsOwnLinesAreAcknowledged() throws Exception {
    AckingBatcher batcher = hundredLinesSynced();
    vertx.undeploy(tailDeployment).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    append(spool, lines(100, 150)); // never read before the copytruncate: only the copy holds them then
    copytruncate(dir.resolve("metrics.lp.1"));
    append(spool, lines(150, 400)); // longer than the synced offset: the tail saves what it saw (in 5 s)
    batcher.lines.clear();
    batcher.ack = false; // the server does not answer: the checkpoint stays in the truncated file's old content
    startTail(config(4096, 0));
    assertEquals(300, Await.value(() -> batcher.lines.size(), 300, WAIT));
    assertEquals(expected(100, 400), batcher.lines, "the copy from the checkpoint on, then the truncated file");
    await("the copy is kept while its lines are not acknowledged").during(Duration.ofSeconds(7))
        .atMost(Duration.ofSeconds(12)).until(() -> Files.exists(dir.resolve("metrics.lp.1")));
    batcher.ack = true;
    append(spool, lines(400, 401));
    assertEquals(0, Await.value(() -> Files.exists(dir.resolve("metrics.lp.1")) ? 1 : 0, 0, WAIT),
        "and deleted once they are");
  }

  @Test
  void aCompressedCopytruncateIsALossOfExactlyTheUnreadLinesAndTheCopyIsReportedAndKept() throws Exception {
    AckingBatcher batcher = new AckingBatcher();
    batcher.hold = true;
    deploy(batcher);
    append(spool, lines(0, 1000));
    SpoolTailVerticle tail = startTail(config(4096, 0));
    Await.until(() -> batcher.held.size(), n -> n == 1, WAIT);
    long read = tail.readOffset();
    int readLines = batcher.held.get(0).body().lineCount();
    long size = Files.size(spool);
    Path gz = dir.resolve("metrics.lp.1.gz"); // compress without delaycompress: only the gzipped copy is left
    UnaccountedFilesTest.gzip(spool, gz);
    try (FileChannel ch = FileChannel.open(spool, StandardOpenOption.WRITE)) {
      ch.truncate(0);
    }
    append(spool, lines(1000, 1010));
    batcher.release();
    assertEquals(readLines + 10, Await.value(() -> batcher.lines.size(), readLines + 10, WAIT));
    LossLedger ledger = new LossLedger(LossLedger.pathFor(Path.of(spool + ".checkpoint")));
    List<LossLedger.Loss> losses = Await.until(ledger::list, l -> !l.isEmpty(), WAIT);
    assertEquals(size - read, losses.get(0).bytes());
    assertEquals(1000 - readLines, losses.get(0).lines(), "counted in the gzipped copy");
    assertTrue(losses.get(0).cause().contains("metrics.lp.1.gz"), losses.get(0).cause());
    JsonObject status = Await.until(() -> vertx.eventBus().<JsonObject>request(ClientBus.STATUS_SPOOL, null)
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).body(),
        s -> s.containsKey("unaccountedFiles"), WAIT);
    assertEquals("metrics.lp.1.gz", status.getJsonArray("unaccountedFiles").getJsonObject(0).getString("file"));
    assertEquals(1000L - readLines, status.getJsonObject("losses").getLong("lines"));
    assertTrue(Files.exists(gz), "never deleted");
    List<String> expected = new ArrayList<>(expected(0, readLines));
    expected.addAll(expected(1000, 1010));
    assertEquals(expected, batcher.lines);
  }

  @Test
  void aBacklogIsReadOnlyAsFarAsTheInFlightWindowAllows() throws Exception {
    List<Object> held = new CopyOnWriteArrayList<>();
    vertx.eventBus().localConsumer(ClientBus.BATCHES, held::add); // a server that never answers
    SyncConfig sync = SyncConfig.from(ConfigReader.root(new JsonObject().put("sync", new JsonObject()
        .put("interval", "50ms").put("maxBatchLines", 1000).put("maxBatchSize", 64 * 1024).put("maxInFlight", 3)),
        "test", "client", Map.of()).section("sync"));
    deploy(batcher(sync));
    append(spool, lines(0, 400_000)); // about 12 MB of backlog
    SpoolTailVerticle tail = startTail(config(16 * 1024, 0));
    assertEquals(3, Await.value(() -> held.size(), 3, WAIT));
    await("no more batches than the window").during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
        .until(() -> held.size() == 3);
    long bound = 3 * (64 * 1024 + 16 * 1024) + 2 * (64 * 1024 + 16 * 1024);
    assertTrue(tail.readOffset() <= bound, "read " + tail.readOffset() + " bytes of " + Files.size(spool)
        + ", more than the window, a pending batch and a held chunk allow (" + bound + ")");
  }

  /** The real batcher. */
  private static BatchVerticle batcher(SyncConfig sync) {
    return new BatchVerticle(sync, Checkpoint.EMPTY, io.outflux.client.ClientMeters.of("tail-test"));
  }

  private static boolean bytesAreZero(Path file, int from, int n) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(n - from);
      ch.read(buf, from);
      for (byte b : buf.array()) {
        if (b != 0) {
          return false;
        }
      }
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  static long allocatedBytes(Path file) throws Exception {
    Process p = new ProcessBuilder("stat", "-c", "%b %B", file.toString()).start();
    String[] out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim().split(" ");
    p.waitFor();
    return Long.parseLong(out[0]) * Long.parseLong(out[1]);
  }
}
