package io.outflux.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.client.ClientBus;
import io.outflux.config.ConfigReader;
import io.outflux.protocol.BatchReply;
import io.outflux.spool.Checkpoint;
import io.outflux.spool.FileId;
import io.outflux.spool.SpoolChunk;
import io.outflux.spool.SpoolPosition;
import io.outflux.testing.Await;
import io.outflux.testing.LogCapture;
import io.outflux.transport.Delivery;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The batcher against a fake transport: batch limits are caps, a 413 splits, a failed hand-over is retried. */
@ExtendWith(VertxExtension.class)
class BatchVerticleTest {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final FileId FILE = new FileId(1, 2);
  private Vertx vertx;
  private final List<Batch> received = new CopyOnWriteArrayList<>();
  private final AtomicReference<Checkpoint> checkpoint = new AtomicReference<>();
  private final List<RejectedLines> deadLetters = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    ClientBus.registerCodecs(vertx);
    vertx.eventBus().<Checkpoint>localConsumer(ClientBus.ACKED, m -> checkpoint.set(m.body()));
    vertx.eventBus().<RejectedLines>localConsumer(ClientBus.DEAD_LETTER, m -> {
      deadLetters.add(m.body());
      m.reply("test.deadletter"); // appended: the batch may count as synced
    });
  }

  /**
   * A transport that takes every hand-over but the first {@code failHandovers}, and acknowledges
   * each batch, or answers it as too large when {@code tooLarge} says so.
   */
  private void transport(int failHandovers, Predicate<Batch> tooLarge) {
    AtomicInteger handovers = new AtomicInteger();
    vertx.eventBus().<Batch>localConsumer(ClientBus.BATCHES, msg -> {
      if (handovers.incrementAndGet() <= failHandovers) {
        msg.fail(500, "hand-over failed on purpose");
        return;
      }
      msg.reply(null);
      Batch b = msg.body();
      received.add(b);
      Delivery d = tooLarge.test(b) ? Delivery.tooLarge(b.seq(), "request body larger than http.maxBodySize")
          : new Delivery(b.seq(), b.lines(), List.of());
      vertx.eventBus().send(ClientBus.DELIVERED, d, ClientBus.LOCAL);
    });
  }

  private static SyncConfig sync(JsonObject json) {
    return SyncConfig.from(ConfigReader.root(new JsonObject().put("sync", json), "test", "client", Map.of())
        .section("sync"));
  }

  private void deploy(SyncConfig config) throws Exception {
    BatchVerticle batcher = new BatchVerticle(config, new Checkpoint(new SpoolPosition(0), 0),
        io.outflux.client.ClientMeters.of("batch-test"));
    vertx.deployVerticle(batcher).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private static String lines(int from, int to, int width) {
    StringBuilder sb = new StringBuilder();
    for (int i = from; i < to; i++) {
      sb.append("m,host=a v=").append("1".repeat(width)).append(' ').append(1_000_000_000L + i).append('\n');
    }
    return sb.toString();
  }

  /** Hands a chunk to the batcher as the tail does, waiting for its acceptance. */
  private void chunk(String text, int lines, long startOffset) throws Exception {
    chunk(text, lines, startOffset, false);
  }

  /** @param atSpoolEnd the tail read everything the spool held with it */
  private void chunk(String text, int lines, long startOffset, boolean atSpoolEnd) throws Exception {
    SpoolPosition start = new SpoolPosition(FILE, "metrics.lp", startOffset, "");
    SpoolPosition end = new SpoolPosition(FILE, "metrics.lp", startOffset + text.length(), "tail");
    vertx.eventBus().request(ClientBus.LINES, new SpoolChunk(start, end, Buffer.buffer(text), lines, false, null,
            false, atSpoolEnd),
        new DeliveryOptions().setLocalOnly(true).setSendTimeout(20_000))
        .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @Test
  void aChunkLargerThanMaxBatchLinesIsSplitAndOnlyItsLastPartMovesTheCheckpoint() throws Exception {
    transport(0, b -> false);
    deploy(sync(new JsonObject().put("rule", "interval").put("interval", "100ms").put("maxBatchLines", 100)));
    String text = lines(0, 350, 3);
    chunk(text, 350, 0);
    Await.value(() -> received.stream().mapToInt(Batch::lines).sum(), 350, WAIT);
    assertEquals(List.of(100, 100, 100, 50), received.stream().map(Batch::lines).toList());
    assertEquals(text, String.join("", received.stream().map(b -> b.payload().toString()).toList()));
    Await.value(() -> checkpoint.get() == null ? -1 : checkpoint.get().synced().offset(), text.length(), WAIT);
    assertEquals("tail", checkpoint.get().synced().tail(), "the checkpoint is the chunk's end, with its tail bytes");
  }

  @Test
  void aBacklogsLastPartialBatchGoesOnceTheSpoolIsReadToItsEndWithoutWaitingForTheInterval() throws Exception {
    transport(0, b -> false);
    deploy(sync(new JsonObject().put("rule", "interval").put("interval", "1h").put("maxBatchLines", 100)));
    // a backlog: 250 lines read in chunks of 50, the last read took everything the spool held
    long offset = 0;
    for (int c = 0; c < 5; c++) {
      String text = lines(c * 50, c * 50 + 50, 3);
      chunk(text, 50, offset, c == 4);
      offset += text.length();
    }
    Await.value(() -> received.stream().mapToInt(Batch::lines).sum(), 250, WAIT);
    assertEquals(List.of(100, 100, 50), received.stream().map(Batch::lines).toList());
  }

  @Test
  void inTheSteadyStateLinesAtTheSpoolsEndWaitForTheInterval() throws Exception {
    transport(0, b -> false);
    deploy(sync(new JsonObject().put("rule", "interval").put("interval", "1h").put("maxBatchLines", 100)));
    String text = lines(0, 30, 3);
    chunk(text, 30, 0, true); // a small write read at once: no batch at the limits came before it
    org.awaitility.Awaitility.await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
        .until(() -> received.isEmpty());
    // then a burst: 100 lines do not fit beside the 30, which leave, and the 100 are a full batch
    String more = lines(30, 130, 3);
    chunk(more, 100, text.length(), false);
    Await.value(() -> received.stream().mapToInt(Batch::lines).sum(), 130, WAIT);
    // the burst's last lines, read to the spool's end, go at once
    String last = lines(130, 140, 3);
    chunk(last, 10, text.length() + more.length(), true);
    Await.value(() -> received.stream().mapToInt(Batch::lines).sum(), 140, WAIT);
    assertEquals(List.of(30, 100, 10), received.stream().map(Batch::lines).toList());
    // after that partial batch the rule's own timing holds again
    String quiet = lines(140, 145, 3);
    chunk(quiet, 5, text.length() + more.length() + last.length(), true);
    org.awaitility.Awaitility.await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
        .until(() -> received.stream().mapToInt(Batch::lines).sum() == 140);
  }

  @Test
  void chunksThatWouldPushABatchOverMaxBatchSizeStartTheNextBatch() throws Exception {
    transport(0, b -> false);
    deploy(sync(new JsonObject().put("rule", "interval").put("interval", "100ms").put("maxBatchSize", 4096)));
    // 30-byte lines: 10 chunks of 50 lines (1,500 bytes each); at most 2 chunks fit into 4 KB
    long offset = 0;
    StringBuilder all = new StringBuilder();
    for (int c = 0; c < 10; c++) {
      String text = lines(c * 50, c * 50 + 50, 3);
      all.append(text);
      chunk(text, 50, offset);
      offset += text.length();
    }
    Await.value(() -> received.stream().mapToInt(Batch::lines).sum(), 500, WAIT);
    assertTrue(received.stream().allMatch(b -> b.bytes() <= 4096), "batch sizes: "
        + received.stream().map(Batch::bytes).toList());
    assertEquals(all.toString(), String.join("", received.stream().map(b -> b.payload().toString()).toList()));
  }

  @Test
  void aBatchAnswered413IsSplitUntilThePartsFitAndASingleLineOverEveryLimitIsDeadLettered() throws Exception {
    // the "server" takes at most 1,000 bytes; line 7 alone is larger
    transport(0, b -> b.bytes() > 1000);
    deploy(sync(new JsonObject().put("rule", "size").put("sizeLines", 64).put("maxBatchLines", 64)));
    StringBuilder sb = new StringBuilder(lines(0, 7, 3));
    sb.append("m,host=a v=\"").append("x".repeat(2000)).append("\" 1000000007\n");
    sb.append(lines(8, 64, 3));
    String text = sb.toString();
    try (LogCapture log = new LogCapture(BatchVerticle.class)) {
      chunk(text, 64, 0);
      Await.value(() -> checkpoint.get() == null ? -1 : checkpoint.get().synced().offset(), text.length(), WAIT);
      assertTrue(log.messages().stream().anyMatch(m -> m.contains("is larger than the server accepts")),
          log.messages().toString());
    }
    List<Batch> stored = new ArrayList<>();
    received.stream().filter(b -> b.bytes() <= 1000).forEach(stored::add);
    assertEquals(63, stored.stream().mapToInt(Batch::lines).sum(), "every line but the oversized one was stored once");
    assertEquals(1, deadLetters.size());
    assertTrue(deadLetters.get(0).lines().get(0).reason().contains("too large"), deadLetters.toString());
    assertTrue(deadLetters.get(0).lines().get(0).line().contains("x".repeat(2000)));
    assertEquals(0, status().getInteger("batchesInFlight"));
  }

  @Test
  void aFailedHandOverIsTriedAgainAndTheWindowStaysCorrect() throws Exception {
    transport(3, b -> false);
    deploy(sync(new JsonObject().put("rule", "size").put("sizeLines", 10).put("maxBatchLines", 10)
        .put("maxInFlight", 2)));
    String text = lines(0, 50, 3);
    try (LogCapture log = new LogCapture(BatchVerticle.class)) {
      chunk(text, 50, 0);
      Await.value(() -> checkpoint.get() == null ? -1 : checkpoint.get().synced().offset(), text.length(), WAIT);
      assertTrue(log.messages().stream().anyMatch(m -> m.contains("not handed to the transport")),
          log.messages().toString());
    }
    assertEquals(5, received.size(), "each batch taken once: " + received.stream().map(Batch::seq).toList());
    assertEquals(0, status().getInteger("batchesInFlight"), "no slot leaked");
    assertEquals(50, status().getLong("linesAcked"));
  }

  /**
   * A hand-over nobody answers (the transport's event loop stuck past {@link ClientBus#HANDOVER})
   * is tried again; the batch keeps its one window slot meanwhile and frees it on its outcome, so the
   * batches behind it still go (maxInFlight 1: a leaked slot would stop everything).
   */
  @Test
  void aHandOverThatTimesOutIsTriedAgainAndFreesItsSlotOnItsOutcome() throws Exception {
    AtomicInteger handovers = new AtomicInteger();
    vertx.eventBus().<Batch>localConsumer(ClientBus.BATCHES, msg -> {
      if (handovers.incrementAndGet() == 1) {
        return; // no answer: the batcher's request times out
      }
      msg.reply(null);
      received.add(msg.body());
      vertx.eventBus().send(ClientBus.DELIVERED, new Delivery(msg.body().seq(), msg.body().lines(), List.of()),
          ClientBus.LOCAL);
    });
    io.outflux.client.ClientMeters meters = io.outflux.client.ClientMeters.of("batch-test");
    double failuresBefore = meters.handoverFailures.count();
    deploy(sync(new JsonObject().put("rule", "size").put("sizeLines", 10).put("maxBatchLines", 10)
        .put("maxInFlight", 1)));
    String text = lines(0, 30, 3);
    chunk(text, 30, 0);
    Await.value(() -> checkpoint.get() == null ? -1 : checkpoint.get().synced().offset(), text.length(), WAIT);
    assertEquals(List.of(10, 10, 10), received.stream().map(Batch::lines).toList(), "each batch taken once");
    assertEquals(1, meters.handoverFailures.count() - failuresBefore, "the timed-out hand-over is counted");
    assertEquals(0, status().getInteger("batchesInFlight"), "no slot leaked");
    assertEquals(30, status().getLong("linesAcked"));
  }

  /** The tail asks again with the same chunk when the answer crossed its timeout: its lines are taken once. */
  @Test
  void aChunkOfferedAgainIsTakenOnce() throws Exception {
    transport(0, b -> false);
    deploy(sync(new JsonObject().put("rule", "interval").put("interval", "100ms")));
    String text = lines(0, 20, 3);
    SpoolChunk once = new SpoolChunk(new SpoolPosition(FILE, "metrics.lp", 0, ""),
        new SpoolPosition(FILE, "metrics.lp", text.length(), ""), Buffer.buffer(text), 20);
    for (int i = 0; i < 2; i++) {
      vertx.eventBus().request(ClientBus.LINES, once, ClientBus.LINES_WAIT)
          .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
    Await.value(() -> checkpoint.get() == null ? -1 : checkpoint.get().synced().offset(), text.length(), WAIT);
    assertEquals(20, received.stream().mapToInt(Batch::lines).sum(), "sent once");
    assertEquals(20, status().getLong("linesRead"));
  }

  private JsonObject status() throws Exception {
    return vertx.eventBus().<JsonObject>request(ClientBus.STATUS_BATCH, null,
        new DeliveryOptions().setLocalOnly(true).setSendTimeout(5_000))
        .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS).body();
  }
}
