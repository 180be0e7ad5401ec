package io.outflux.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.batch.Batch;
import io.outflux.batch.BatchVerticle;
import io.outflux.batch.SyncConfig;
import io.outflux.client.ClientMeters;
import io.outflux.deadletter.DeadLetterVerticle;
import io.outflux.spool.Checkpoint;
import io.outflux.spool.SpoolChunk;
import io.outflux.testing.LogCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.io.TempDir;
import io.outflux.batch.Progress;
import io.outflux.client.ClientBus;
import io.outflux.config.ConfigReader;
import io.outflux.lineprotocol.Precision;
import io.outflux.protocol.BatchReply;
import io.outflux.protocol.Credentials;
import io.outflux.protocol.WireProtocol;
import io.outflux.spool.FileId;
import io.outflux.spool.SpoolPosition;
import io.outflux.testing.Await;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A batch the server refuses as a bad request, again and again, gets a terminal outcome: with the
 * quarantine thresholds lowered (3 refusals, no minimum time) the transport settles it with every
 * line refused for good and the reason (the batch stage sends them to the dead-letter file and
 * frees the slot), and says so in its status. A real HTTP server on loopback answers 400.
 */
class QuarantineTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** A real HTTP server on loopback that answers every batch with 400 (counting them); returns its config. */
  private TransportConfig refusingServer(AtomicInteger posts) throws Exception {
    HttpServer server = vertx.createHttpServer().requestHandler(req -> {
      if (req.path().equals(WireProtocol.HEALTH_PATH)) {
        req.response().end("{\"status\":\"UP\"}");
        return;
      }
      posts.incrementAndGet();
      req.body().onSuccess(b -> req.response().setStatusCode(400).putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("error", "precision \"xs\" is not one of ns, us, ms, s").encode()));
    });
    int port = server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
        .actualPort();
    JsonObject root = new JsonObject().put("servers", new JsonArray().add("http://127.0.0.1:" + port))
        .put("transport", new JsonObject().put("retryInitialDelay", "10ms").put("retryMaxDelay", "50ms"));
    ConfigReader r = ConfigReader.root(root, "client.json", "client", Map.of());
    return TransportConfig.from(r, r.section("transport"));
  }

  @Test
  void aBatchRefusedAsABadRequestAgainAndAgainGoesToTheDeadLetterFileWithTheReason() throws Exception {
    AtomicInteger posts = new AtomicInteger();
    TransportConfig config = refusingServer(posts);
    ClientBus.registerCodecs(vertx);
    List<Delivery> delivered = new CopyOnWriteArrayList<>();
    vertx.eventBus().<Delivery>localConsumer(ClientBus.DELIVERED, m -> delivered.add(m.body()));
    TransportVerticle transport = new TransportVerticle("site",
        new InfluxTarget(new Credentials.Basic("edge", "pw"), "telegraf", "", Precision.NS), config, false,
        "client.json").quarantine(3, Duration.ZERO);
    vertx.deployVerticle(transport).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

    SpoolPosition at = new SpoolPosition(new FileId(1, 1), "metrics.lp", 0, "");
    Buffer lines = Buffer.buffer("cpu v=1 1\ncpu v=2 2\ncpu v=3 3\n");
    vertx.eventBus().request(ClientBus.BATCHES, new Batch(7, lines, 3, at, at, Progress.NONE),
        new DeliveryOptions().setLocalOnly(true).setSendTimeout(5_000));

    assertEquals(1, Await.value(delivered::size, 1, Duration.ofSeconds(30)));
    Delivery d = delivered.get(0);
    assertEquals(7, d.seq());
    assertEquals(0, d.written());
    assertEquals(List.of("cpu v=1 1", "cpu v=2 2", "cpu v=3 3"), d.rejected().stream().map(l -> l.line()).toList());
    assertTrue(d.refused().contains("HTTP 400"), d.refused());
    assertTrue(d.rejected().stream().allMatch(l -> l.reason().contains("refused for good")
        && l.reason().contains("HTTP 400") && l.reason().contains("precision")), d.rejected().toString());
    assertEquals(3, posts.get(), "sent three times, then settled: no endless retry");
    JsonObject status = vertx.eventBus().<JsonObject>request(ClientBus.STATUS_TRANSPORT, null,
        new DeliveryOptions().setLocalOnly(true).setSendTimeout(5_000)).toCompletionStage().toCompletableFuture()
        .get(5, TimeUnit.SECONDS).body();
    assertTrue(status.getString("lastRefusedForGood", "").contains("batch 7 (3 lines) refused for good"),
        status.encode());
  }

  /**
   * The whole client path of a refused batch (transport, batcher, dead-letter file's owner): it is
   * told once, naming the batch, its lines, the reason, the file and what to do, not once per line;
   * all its lines are in the file and the checkpoint moves past them (the slot is freed).
   */
  @Test
  void aBatchRefusedForGoodIsLoggedOnceNotOncePerLine(@TempDir Path dir) throws Exception {
    TransportConfig config = refusingServer(new AtomicInteger());
    ClientBus.registerCodecs(vertx);
    Path deadLetters = dir.resolve("metrics.lp.deadletter");
    AtomicReference<Checkpoint> acked = new AtomicReference<>();
    vertx.eventBus().<Checkpoint>localConsumer(ClientBus.ACKED, m -> acked.set(m.body()));
    ClientMeters meters = ClientMeters.of("quarantine-log");
    SyncConfig sync = SyncConfig.from(ConfigReader.root(new JsonObject().put("sync", new JsonObject()
        .put("rule", "interval").put("interval", "100ms")), "client.json", "client", Map.of()).section("sync"));
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      text.append("cpu v=").append(i).append(' ').append(1_000_000_000L + i).append('\n');
    }
    try (LogCapture log = new LogCapture(org.slf4j.Logger.ROOT_LOGGER_NAME)) {
      get(vertx.deployVerticle(new DeadLetterVerticle(deadLetters, meters, () -> vertx.deployVerticle(
          new BatchVerticle(sync, new Checkpoint(new SpoolPosition(0), 0), meters))
          .compose(id -> vertx.deployVerticle(new TransportVerticle("site", new InfluxTarget(
              new Credentials.Basic("edge", "pw"), "telegraf", "", Precision.NS), config, false, "client.json")
              .quarantine(3, Duration.ZERO))))));
      SpoolPosition start = new SpoolPosition(FILE, "metrics.lp", 0, "");
      SpoolPosition end = new SpoolPosition(FILE, "metrics.lp", text.length(), "");
      get(vertx.eventBus().request(ClientBus.LINES, new SpoolChunk(start, end, Buffer.buffer(text.toString()), 40),
          ClientBus.LINES_WAIT));

      Await.value(() -> acked.get() == null ? -1 : acked.get().synced().offset(), (long) text.length(),
          Duration.ofSeconds(30));
      Await.value(() -> lines(deadLetters), 40L, Duration.ofSeconds(30));
      Await.until(log::messages, ms -> ms.stream().anyMatch(m -> m.contains("refused for good")), Duration.ofSeconds(30));
      List<String> told = warnings(log).stream().filter(m -> m.contains("refused for good") || m.contains("dead-letter")).toList();
      assertEquals(1, told.size(), "one line for the batch, not one per line: " + told);
      String line = told.get(0);
      assertTrue(line.contains("batch 1 (40 lines) refused for good") && line.contains("HTTP 400")
          && line.contains(deadLetters.toString()) && line.contains("deadletter replay"), line);
    }
  }

  private static final FileId FILE = new FileId(1, 2);

  private static List<String> warnings(LogCapture log) {
    return java.util.Arrays.stream(log.everything().split("\n"))
        .filter(l -> l.startsWith("WARN") || l.startsWith("ERROR")).toList();
  }

  private static long lines(Path file) {
    try {
      return Files.exists(file) ? Files.readAllLines(file).size() : 0;
    } catch (java.io.IOException e) {
      return -1; // being written: read again
    }
  }

  private static <T> T get(io.vertx.core.Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /**
   * A sender that fails its future (rather than classifying the attempt) once: the batch is tried
   * again and still comes to an outcome, so its window slot is freed. Before, the failed attempt
   * left the batch taken over with nobody sending it, for good.
   */
  @Test
  void aSenderThatFailsInsteadOfClassifyingIsRetriedAndTheBatchStillSettles() throws Exception {
    AtomicInteger posts = new AtomicInteger();
    TransportConfig config = refusingServer(posts);
    ClientBus.registerCodecs(vertx);
    List<Delivery> delivered = new CopyOnWriteArrayList<>();
    vertx.eventBus().<Delivery>localConsumer(ClientBus.DELIVERED, m -> delivered.add(m.body()));
    AtomicInteger attempts = new AtomicInteger();
    TransportVerticle transport = new TransportVerticle("site",
        new InfluxTarget(new Credentials.Basic("edge", "pw"), "telegraf", "", Precision.NS), config, false,
        "client.json").quarantine(2, Duration.ZERO).wrapSender(real -> (server, batch) ->
            attempts.incrementAndGet() == 1 ? io.vertx.core.Future.failedFuture(new IllegalStateException("boom"))
                : real.send(server, batch));
    get(vertx.deployVerticle(transport));
    SpoolPosition at = new SpoolPosition(new FileId(1, 1), "metrics.lp", 0, "");
    get(vertx.eventBus().request(ClientBus.BATCHES, new Batch(9, Buffer.buffer("cpu v=1 1\n"), 1, at, at,
        Progress.NONE), ClientBus.HANDOVER));

    assertEquals(1, Await.value(delivered::size, 1, Duration.ofSeconds(30)));
    assertEquals(9, delivered.get(0).seq());
    assertEquals(3, attempts.get(), "the failed attempt, then two refusals");
    assertEquals(2, posts.get());
  }

  /**
   * A late hand-over of a batch the transport settled already (the batcher's retry crossing the
   * outcome on the bus) is answered as taken but not sent again: before, the batch went to the
   * server a second time.
   */
  @Test
  void aBatchHandedOverAgainAfterItWasSettledIsNotSentAgain() throws Exception {
    AtomicInteger posts = new AtomicInteger();
    TransportConfig config = refusingServer(posts);
    ClientBus.registerCodecs(vertx);
    List<Delivery> delivered = new CopyOnWriteArrayList<>();
    vertx.eventBus().<Delivery>localConsumer(ClientBus.DELIVERED, m -> delivered.add(m.body()));
    get(vertx.deployVerticle(new TransportVerticle("site",
        new InfluxTarget(new Credentials.Basic("edge", "pw"), "telegraf", "", Precision.NS), config, false,
        "client.json").quarantine(1, Duration.ZERO)));
    SpoolPosition at = new SpoolPosition(new FileId(1, 1), "metrics.lp", 0, "");
    Batch batch = new Batch(5, Buffer.buffer("cpu v=1 1\n"), 1, at, at, Progress.NONE);
    get(vertx.eventBus().request(ClientBus.BATCHES, batch, ClientBus.HANDOVER));
    Await.value(delivered::size, 1, Duration.ofSeconds(30));

    get(vertx.eventBus().request(ClientBus.BATCHES, batch, ClientBus.HANDOVER));
    org.awaitility.Awaitility.await("not sent again").during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10))
        .until(() -> posts.get() == 1 && delivered.size() == 1);
  }

  /**
   * A real HTTP server on loopback refuses the credentials (401) of batch 1, then answers its probe
   * without a verdict on them: 413 (too large, split) or 400 (refused for good, quarantined at the
   * first refusal); it accepts every other batch. The next held batch must probe at the next
   * interval and, accepted, let the last one go: before, the gate went on waiting for the first
   * probe's verdict and batches 2 and 3 stayed held for good.
   */
  @org.junit.jupiter.params.ParameterizedTest(name = "the probe answered {0}")
  @org.junit.jupiter.params.provider.ValueSource(ints = {413, 400})
  void aProbeOfRefusedCredentialsThatEndsWithoutAVerdictLetsTheNextHeldBatchProbe(int probeAnswer) throws Exception {
    List<Long> posted = new CopyOnWriteArrayList<>();
    HttpServer server = vertx.createHttpServer().requestHandler(req -> {
      if (req.path().equals(WireProtocol.HEALTH_PATH)) {
        req.response().end("{\"status\":\"UP\"}");
        return;
      }
      long seq = Long.parseLong(req.getHeader(WireProtocol.HEADER_SEQ));
      posted.add(seq);
      long times = posted.stream().filter(s -> s == seq).count();
      req.body().onSuccess(b -> {
        if (seq == 1 && times == 1) {
          req.response().setStatusCode(401).end("{\"error\":\"authorization failed\"}");
        } else if (seq == 1) {
          req.response().setStatusCode(probeAnswer).end("{\"error\":\"no verdict on the credentials\"}");
        } else {
          req.response().putHeader("Content-Type", "application/json")
              .end(new BatchReply(seq, 1, List.of()).toJson().encode());
        }
      });
    });
    int port = get(server.listen(0, "127.0.0.1")).actualPort();
    JsonObject root = new JsonObject().put("servers", new JsonArray().add("http://127.0.0.1:" + port))
        .put("transport", new JsonObject().put("retryInitialDelay", "10ms").put("retryMaxDelay", "50ms")
            .put("authRetryInterval", "200ms"));
    ConfigReader r = ConfigReader.root(root, "client.json", "client", Map.of());
    TransportConfig config = TransportConfig.from(r, r.section("transport"));
    ClientBus.registerCodecs(vertx);
    Map<Long, Delivery> delivered = new java.util.concurrent.ConcurrentHashMap<>();
    vertx.eventBus().<Delivery>localConsumer(ClientBus.DELIVERED, m -> delivered.put(m.body().seq(), m.body()));
    SpoolPosition at = new SpoolPosition(new FileId(1, 1), "metrics.lp", 0, "");
    try (LogCapture log = new LogCapture(TransportVerticle.class)) {
      get(vertx.deployVerticle(new TransportVerticle("site",
          new InfluxTarget(new Credentials.Basic("edge", "pw"), "telegraf", "", Precision.NS), config, false,
          "client.json").quarantine(1, Duration.ZERO)));
      get(vertx.eventBus().request(ClientBus.BATCHES, new Batch(1, Buffer.buffer("cpu v=1 1\n"), 1, at, at,
          Progress.NONE), ClientBus.HANDOVER));
      Await.until(log::messages, ms -> ms.stream().anyMatch(m -> m.contains("stopped sending")), Duration.ofSeconds(30));
      for (long seq = 2; seq <= 3; seq++) { // held while the credentials are refused
        get(vertx.eventBus().request(ClientBus.BATCHES, new Batch(seq, Buffer.buffer("cpu v=" + seq + " " + seq
            + "\n"), 1, at, at, Progress.NONE), ClientBus.HANDOVER));
      }

      Await.value(delivered::size, 3, Duration.ofSeconds(30));
      Delivery probe = delivered.get(1L);
      assertTrue(probeAnswer == 413 ? probe.tooLarge() != null : probe.refused() != null, probe.toString());
      assertEquals(1, delivered.get(2L).written(), delivered.get(2L).toString());
      assertEquals(1, delivered.get(3L).written(), delivered.get(3L).toString());
      assertEquals(List.of(1L, 1L, 2L, 3L), posted, "batch 2 probed after batch 1's probe, then batch 3 resumed");
    }
  }
}
