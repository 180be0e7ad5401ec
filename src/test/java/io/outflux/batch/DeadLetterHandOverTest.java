package io.outflux.batch;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.outflux.client.ClientBus;
import io.outflux.client.ClientMeters;
import io.outflux.config.ConfigReader;
import io.outflux.deadletter.DeadLetterVerticle;
import io.outflux.protocol.BatchReply.RejectedLine;
import io.outflux.spool.Checkpoint;
import io.outflux.spool.FileId;
import io.outflux.spool.SpoolChunk;
import io.outflux.spool.SpoolPosition;
import io.outflux.testing.LogCapture;
import io.outflux.transport.Delivery;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The batcher and the real dead-letter file owner: the lines InfluxDB refused are acknowledged to
 * the tail only once they are in the dead-letter file. The file is made unwritable for real: on a
 * small tmpfs filled to ENOSPC (needs root to mount, as CI runs), or with its directory removed.
 */
@ExtendWith(VertxExtension.class)
class DeadLetterHandOverTest {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final FileId FILE = new FileId(1, 2);
  private static final int LINES = 10;

  @TempDir
  Path dir;
  private Vertx vertx;
  private final AtomicReference<Checkpoint> checkpoint = new AtomicReference<>();
  private ClientMeters meters;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    ClientBus.registerCodecs(vertx);
    vertx.eventBus().<Checkpoint>localConsumer(ClientBus.ACKED, m -> checkpoint.set(m.body()));
  }

  /** A transport that takes every batch and answers it stored but for the lines {@code refused} picks. */
  private void transport(Function<Batch, List<RejectedLine>> refused) {
    vertx.eventBus().<Batch>localConsumer(ClientBus.BATCHES, msg -> {
      msg.reply(null);
      Batch b = msg.body();
      List<RejectedLine> r = refused.apply(b);
      vertx.eventBus().send(ClientBus.DELIVERED, new Delivery(b.seq(), b.lines() - r.size(), r), ClientBus.LOCAL);
    });
  }

  private static List<RejectedLine> firstLines(Batch b, int n) {
    String[] lines = b.payload().toString().split("\n");
    return java.util.stream.IntStream.range(0, n)
        .mapToObj(i -> new RejectedLine(lines[i], "field type conflict " + i)).toList();
  }

  private String deploy(Path deadLetter, String clientId) throws Exception {
    meters = ClientMeters.of(clientId);
    SyncConfig sync = SyncConfig.from(ConfigReader.root(new JsonObject().put("sync", new JsonObject()
        .put("rule", "size").put("sizeLines", LINES).put("maxBatchLines", LINES)), "test", "client", Map.of())
        .section("sync"));
    BatchVerticle batcher = new BatchVerticle(sync, new Checkpoint(new SpoolPosition(0), 0), meters);
    return get(vertx.deployVerticle(new DeadLetterVerticle(deadLetter, meters, () -> vertx.deployVerticle(batcher))));
  }

  private static <T> T get(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private static String lines() {
    return lines(0);
  }

  private static String lines(int from) {
    StringBuilder sb = new StringBuilder();
    for (int i = from; i < from + LINES; i++) {
      sb.append("m,host=a v=").append(i).append("i ").append(1_000_000_000L + i).append('\n');
    }
    return sb.toString();
  }

  private void chunk(String text) throws Exception {
    chunk(text, 0);
  }

  private void chunk(String text, long offset) throws Exception {
    SpoolPosition start = new SpoolPosition(FILE, "metrics.lp", offset, "");
    SpoolPosition end = new SpoolPosition(FILE, "metrics.lp", offset + text.length(), "");
    get(vertx.eventBus().request(ClientBus.LINES, new SpoolChunk(start, end, Buffer.buffer(text), LINES),
        new DeliveryOptions().setLocalOnly(true).setSendTimeout(20_000)));
  }

  private long synced() {
    Checkpoint c = checkpoint.get();
    return c == null ? -1 : c.synced().offset();
  }

  /** The checkpoint stays before the batch while the append fails, and reaches its end once it can succeed. */
  private void checkpointWaitsForTheAppend(Path deadLetter, Runnable repair, String cause) throws Exception {
    String text = lines();
    double failuresBefore = meters.deadLetterFailures.count();
    try (LogCapture log = new LogCapture(BatchVerticle.class)) {
      chunk(text);
      await("the checkpoint stays before the refused lines").during(Duration.ofSeconds(2))
          .atMost(Duration.ofSeconds(5)).until(() -> synced() < text.length());
      await("a failed append is reported").atMost(WAIT).until(() -> log.messages().stream().anyMatch(m ->
          m.contains("could not be put in the dead-letter file") && m.contains(deadLetter.toString())
              && m.contains(cause) && m.contains("free space")));
      assertTrue(meters.deadLetterFailures.count() > failuresBefore, "the failure is counted");
      repair.run();
      await("the checkpoint moves once the lines are in the file").atMost(WAIT)
          .until(() -> synced() == text.length());
    }
    List<String> records = Files.readAllLines(deadLetter);
    assertEquals(2, records.size(), "each refused line once, no half record left by the failed write: " + records);
    assertEquals("m,host=a v=0i 1000000000", new JsonObject(records.get(0)).getString("line"));
    assertEquals("m,host=a v=1i 1000000001", new JsonObject(records.get(1)).getString("line"));
  }

  @Test
  void refusedLinesAreAcknowledgedToTheTailOnlyOnceTheDeadLetterFileOnAFullFileSystemTakesThem() throws Exception {
    Path mount = Files.createDirectory(dir.resolve("small"));
    Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mount.toString())
        .redirectErrorStream(true).start();
    assumeTrue(p.waitFor() == 0, "mounting a tmpfs needs root: " + new String(p.getInputStream().readAllBytes()));
    try {
      Path filler = mount.resolve("filler");
      fill(filler);
      Path deadLetter = mount.resolve("metrics.lp.deadletter");
      transport(b -> b.seq() == 1 ? firstLines(b, 2) : List.of());
      String id = deploy(deadLetter, "dl-handover-enospc");
      checkpointWaitsForTheAppend(deadLetter, () -> {
        try {
          Files.delete(filler);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }, "No space left on device");
      get(vertx.undeploy(id)); // closes the file before the unmount
    } finally {
      Process u = new ProcessBuilder("umount", mount.toString()).redirectErrorStream(true).start();
      if (u.waitFor() != 0) {
        new ProcessBuilder("umount", "-l", mount.toString()).start().waitFor();
      }
    }
  }

  @Test
  void refusedLinesWaitWhileTheDeadLetterFilesDirectoryIsGone() throws Exception {
    Path dlDir = Files.createDirectory(dir.resolve("dl"));
    Path deadLetter = dlDir.resolve("metrics.lp.deadletter");
    Files.delete(dlDir); // removed (a clean-up gone wrong) before the first refused line
    transport(b -> b.seq() == 1 ? firstLines(b, 2) : List.of());
    deploy(deadLetter, "dl-handover-gone");
    checkpointWaitsForTheAppend(deadLetter, () -> {
      try {
        Files.createDirectory(dlDir);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }, "NoSuchFileException");
  }

  @Test
  void refusedLinesWaitWhenTheOpenDeadLetterFileAndItsDirectoryAreRemoved() throws Exception {
    Path dlDir = Files.createDirectory(dir.resolve("dl"));
    Path deadLetter = dlDir.resolve("metrics.lp.deadletter");
    transport(b -> firstLines(b, 1));
    deploy(deadLetter, "dl-handover-removed");
    String first = lines(0);
    chunk(first);
    await().atMost(WAIT).until(() -> synced() == first.length()); // the file is open now
    Files.delete(deadLetter);
    Files.delete(dlDir); // a clean-up removes it under the running client
    String second = lines(LINES);
    long end = first.length() + second.length();
    try (LogCapture log = new LogCapture(BatchVerticle.class)) {
      chunk(second, first.length());
      await("the checkpoint stays before the refused line").during(Duration.ofSeconds(2))
          .atMost(Duration.ofSeconds(5)).until(() -> synced() < end);
      assertTrue(log.messages().stream().anyMatch(m -> m.contains("could not be put in the dead-letter file")
          && m.contains(deadLetter.toString())), log.messages().toString());
      Files.createDirectory(dlDir);
      await("the checkpoint moves once the directory is back").atMost(WAIT).until(() -> synced() == end);
    }
    List<String> records = Files.readAllLines(deadLetter);
    assertEquals(List.of("m,host=a v=10i 1000000010"), records.stream()
        .map(r -> new JsonObject(r).getString("line")).toList(), "the second refused line, in the file one can read");
  }

  @Test
  void linesRefusedInsideAStoredBatchAreToldOncePerBatchAndKeptLineByLineInTheFile() throws Exception {
    Path deadLetter = dir.resolve("metrics.lp.deadletter");
    transport(b -> firstLines(b, 5));
    deploy(deadLetter, "dl-handover-once");
    String text = lines();
    try (LogCapture batchLog = new LogCapture(BatchVerticle.class);
        LogCapture ownerLog = new LogCapture(DeadLetterVerticle.class)) {
      chunk(text);
      await().atMost(WAIT).until(() -> synced() == text.length());
      List<String> told = batchLog.messages().stream().filter(m -> m.contains("refused")).toList();
      assertEquals(1, told.size(), "one warning for the batch: " + batchLog.messages());
      assertTrue(told.get(0).contains("refused 5 of its 10 lines for good") && told.get(0).contains("field type conflict 0")
          && told.get(0).contains(deadLetter.toString()), told.get(0));
      assertTrue(ownerLog.messages().stream().noneMatch(m -> m.contains("dead-lettered line")),
          "not again line by line: " + ownerLog.messages());
    }
    List<String> records = Files.readAllLines(deadLetter);
    assertEquals(5, records.size(), records.toString());
    for (int i = 0; i < 5; i++) {
      assertEquals("field type conflict " + i, new JsonObject(records.get(i)).getString("reason"));
    }
  }

  /** Writes until the file system is full. */
  private static void fill(Path filler) throws IOException {
    byte[] block = new byte[4096];
    try (OutputStream out = Files.newOutputStream(filler)) {
      for (int i = 0; i < 1_000; i++) {
        out.write(block);
        out.flush();
      }
    } catch (IOException full) {
      assertTrue(String.valueOf(full.getMessage()).contains("No space left"), full.toString());
      return;
    }
    throw new AssertionError("a 64k tmpfs took 4 MB");
  }
}
