package io.outflux.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.batch.Batch;
import io.outflux.batch.Progress;
import io.outflux.client.ClientBus;
import io.outflux.config.ConfigReader;
import io.outflux.lineprotocol.Precision;
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

  @Test
  void aBatchRefusedAsABadRequestAgainAndAgainGoesToTheDeadLetterFileWithTheReason() throws Exception {
    AtomicInteger posts = new AtomicInteger();
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
    TransportConfig config = TransportConfig.from(r, r.section("transport"));
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
    assertTrue(d.rejected().stream().allMatch(l -> l.reason().contains("refused for good")
        && l.reason().contains("HTTP 400") && l.reason().contains("precision")), d.rejected().toString());
    assertEquals(3, posts.get(), "sent three times, then settled: no endless retry");
    JsonObject status = vertx.eventBus().<JsonObject>request(ClientBus.STATUS_TRANSPORT, null,
        new DeliveryOptions().setLocalOnly(true).setSendTimeout(5_000)).toCompletionStage().toCompletableFuture()
        .get(5, TimeUnit.SECONDS).body();
    assertTrue(status.getString("lastRefusedForGood", "").contains("batch 7 (3 lines) refused for good"),
        status.encode());
  }
}
