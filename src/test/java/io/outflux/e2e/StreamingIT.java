package io.outflux.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.influxd.FreePorts;
import io.outflux.server.ServerVerticle;
import io.outflux.testing.Await;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The streaming rule over a real WebSocket to a real server and a real influxd. */
class StreamingIT extends CentralTestBase {

  @Test
  void aSingleAppendedLineArrivesWithoutWaitingForAnyInterval(Vertx vertx, @TempDir Path dir) throws Exception {
    Edge edge = new Edge(central, "stream_one", dir);
    ServerVerticle server = Edge.deployServer(vertx, central, 0);
    JsonObject config = edge.clientConfig("streaming", server.actualPort());
    // an interval no test waits for: a client that waited for any interval could not pass, however fast the machine
    config.getJsonObject("sync").put("interval", "1h");
    Edge.deployClient(vertx, config);
    edge.append(50); // connect and warm up
    assertEquals(50, Await.value(edge::count, 50, Duration.ofSeconds(20)));

    long t0 = System.nanoTime();
    edge.append(1);
    assertEquals(51, Await.value(edge::count, 51, Duration.ofSeconds(20)));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    // a bound for a busy machine, not a latency figure (that is bench/streaming-latency.sh)
    assertTrue(ms < 10_000, "one appended line took " + ms + " ms to be queryable centrally");
  }

  @Test
  void serverStoppedMidStreamThenRestartedLosesNothingAndTheClientResumesByItself(Vertx vertx, @TempDir Path dir)
      throws Exception {
    Edge edge = new Edge(central, "stream_restart", dir);
    int port = FreePorts.next();
    Vertx serverVertx = Vertx.vertx();
    try {
      String serverId = Edge.deploy(serverVertx, new ServerVerticle(), serverConfig(port));
      JsonObject config = edge.clientConfig("streaming", port);
      config.getJsonObject("transport").put("gzip", true);
      Edge.deployClient(vertx, config);

      AtomicBoolean writing = new AtomicBoolean(true);
      Thread writer = new Thread(() -> {
        while (writing.get()) {
          edge.append(20);
          try {
            Thread.sleep(20); // Telegraf's pace: 1,000 lines a second
          } catch (InterruptedException e) {
            return;
          }
        }
      });
      writer.start();
      await("lines streamed").atMost(Duration.ofSeconds(20)).until(edge::count, n -> n >= 100);
      Edge.undeploy(serverVertx, serverId);
      // nothing is written while the server is down: the count settles at once and stays, while lines keep coming
      AtomicLong previous = new AtomicLong(-1);
      long atStop = await("the count stays put while the server is down").during(Duration.ofMillis(1_500))
          .atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
          .until(edge::count, n -> previous.getAndSet(n) == n);
      assertTrue(edge.written() > atStop, "lines were appended during the outage");
      Edge.deploy(serverVertx, new ServerVerticle(), serverConfig(port));
      await("the client resumes by itself").atMost(Duration.ofSeconds(30)).until(edge::count, n -> n > atStop);
      writing.set(false);
      writer.join();

      long total = edge.written();
      assertEquals(total, Await.value(edge::count, total, Duration.ofSeconds(30)),
          "every line appended before, during and after the outage is in InfluxDB");
      assertTrue(atStop > 0 && atStop < total, "the server was stopped mid-stream: " + atStop + " of " + total);
    } finally {
      serverVertx.close().toCompletionStage().toCompletableFuture().get();
    }
  }

  @Test
  void withTheFirstServerDownTheDataArrivesViaTheSecond(Vertx vertx, @TempDir Path dir) throws Exception {
    Edge edge = new Edge(central, "stream_failover", dir);
    int down = FreePorts.next();
    ServerVerticle server = Edge.deployServer(vertx, central, 0);
    Edge.deployClient(vertx, edge.clientConfig("streaming", down, server.actualPort()));
    edge.append(300);
    assertEquals(300, Await.value(edge::count, 300, Duration.ofSeconds(20)));
  }

  @Test
  void linesInfluxDbRefusesForGoodGoToTheDeadLetterAndTheRestOfTheBatchIsSynced(Vertx vertx, @TempDir Path dir)
      throws Exception {
    Edge edge = new Edge(central, "stream_rejects", dir);
    ServerVerticle server = Edge.deployServer(vertx, central, 0);
    Edge.deployClient(vertx, edge.clientConfig("streaming", server.actualPort()));
    long ts = 1_700_000_000_000_000_000L;
    java.nio.file.Files.writeString(edge.spool, "typed,host=a v=1i " + ts + "\n");
    assertEquals(1, Await.value(() -> central.influxd.countPoints(edge.db), 1, Duration.ofSeconds(20)));

    // one batch: a good line, a field type conflict, another good line
    java.nio.file.Files.writeString(edge.spool, "typed,host=a v=2i " + (ts + 1) + "\n"
        + "typed,host=a v=\"text\" " + (ts + 2) + "\n"
        + "typed,host=a v=3i " + (ts + 3) + "\n", java.nio.file.StandardOpenOption.APPEND);
    assertEquals(3, Await.value(() -> central.influxd.countPoints(edge.db), 3, Duration.ofSeconds(20)));
    java.nio.file.Path deadLetterFile = java.nio.file.Path.of(edge.spool + ".deadletter");
    java.util.List<String> records = Await.until(() -> java.nio.file.Files.exists(deadLetterFile)
        ? java.nio.file.Files.readAllLines(deadLetterFile) : java.util.List.<String>of(), r -> !r.isEmpty(),
        Duration.ofSeconds(10));
    assertEquals(1, records.size(), "the refused line is in the dead-letter file: " + records);
    JsonObject record = new JsonObject(records.get(0));
    assertEquals("influxdb", record.getString("stage"), record.encode());
    assertTrue(record.getString("reason").contains("field type conflict"), record.encode());
    long size = java.nio.file.Files.size(edge.spool);
    assertEquals(size, Await.value(() -> new io.outflux.spool.CheckpointStore(
        java.nio.file.Path.of(edge.spool + ".checkpoint")).load().synced().offset(), size, Duration.ofSeconds(10)),
        "the batch counts as synced: the refused line does not block the spool");
  }

  @Test
  void aFlushPublishedOnTheServerReachesTheStreamingClientAndSendsWhatItHadNotReadYet(Vertx vertx, @TempDir Path dir)
      throws Exception {
    Edge edge = new Edge(central, "stream_server_flush", dir);
    ServerVerticle server = Edge.deployServer(vertx, central, 0);
    JsonObject config = edge.clientConfig("streaming", server.actualPort());
    config.getJsonObject("spool").put("pollInterval", "1m");
    edge.append(1); // read at start, so the stream is open
    Edge.deployClient(vertx, config);
    assertEquals(1, Await.value(edge::count, 1, Duration.ofSeconds(20)));

    edge.append(400); // the tail looks again only in a minute
    await("nothing sent before the flush").during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
        .until(edge::count, n -> n == 1);
    // what POST /api/v1/flush on any node does: a cluster-wide publish that each node hands to its streams
    vertx.eventBus().publish(io.outflux.server.ServerBus.FLUSH_ALL, new JsonObject());
    assertEquals(401, Await.value(edge::count, 401, Duration.ofSeconds(20)),
        "the server's flush message made the client send the lines its tail had not read yet");
  }

  private static JsonObject serverConfig(int port) {
    return new JsonObject()
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", port))
        .put("influx", new JsonObject().put("url", central.influxd.url()));
  }
}
