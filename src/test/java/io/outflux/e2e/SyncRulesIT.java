package io.outflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.client.ClientVerticle;
import io.outflux.server.ServerVerticle;
import io.outflux.testing.Await;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The interval, size and combined rules against a real server and influxd. A "nothing yet" check
 * starts once the client's tail has read the lines (so a slow client cannot pass it) and ends well
 * inside the interval; an "all now" check waits long after it.
 */
class SyncRulesIT extends CentralTestBase {

  @Test
  void intervalSendsNothingBeforeTheIntervalEndsAndEverythingAfter(Vertx vertx, @TempDir Path dir) throws Exception {
    Edge edge = new Edge(central, "rule_interval", dir);
    ServerVerticle server = Edge.deployServer(vertx, central, 0);
    JsonObject config = edge.clientConfig("interval", server.actualPort());
    config.getJsonObject("sync").put("interval", "6s");
    long deployed = System.nanoTime();
    ClientVerticle client = Edge.deployClient(vertx, config);
    edge.append(120);
    Edge.awaitRead(client, 120);
    long elapsedMs = (System.nanoTime() - deployed) / 1_000_000;
    assertTrue(elapsedMs < 4_000, "the tail read 120 lines " + elapsedMs + " ms after deploy: no time left to check");
    edge.nothingSentFor(0, Duration.ofMillis(5_000 - elapsedMs),
        "nothing is sent before the first interval ends (checked from " + elapsedMs + " ms after deploy)");
    assertEquals(120, Await.value(edge::count, 120, Duration.ofSeconds(15)), "all of it at the interval's end");
  }

  @Test
  void sizeSendsExactlyWhenTheThresholdIsCrossed(Vertx vertx, @TempDir Path dir) throws Exception {
    Edge edge = new Edge(central, "rule_size", dir);
    ServerVerticle server = Edge.deployServer(vertx, central, 0);
    JsonObject config = edge.clientConfig("size", server.actualPort());
    config.getJsonObject("sync").put("sizeLines", 100);
    ClientVerticle client = Edge.deployClient(vertx, config);
    edge.append(99);
    Edge.awaitRead(client, 99);
    edge.nothingSentFor(0, Duration.ofMillis(1_500), "99 lines are below the threshold of 100: nothing is sent");
    edge.append(1);
    assertEquals(100, Await.value(edge::count, 100, Duration.ofSeconds(15)), "the 100th line sends all 100");
    edge.append(99);
    Edge.awaitRead(client, 199);
    edge.nothingSentFor(100, Duration.ofMillis(1_000), "the next 99 wait again");
  }

  @Test
  void sizeInBytesSendsWhenTheByteThresholdIsCrossed(Vertx vertx, @TempDir Path dir) throws Exception {
    Edge edge = new Edge(central, "rule_size_bytes", dir);
    ServerVerticle server = Edge.deployServer(vertx, central, 0);
    JsonObject config = edge.clientConfig("size", server.actualPort());
    // lines are about 180 bytes: 10 lines stay below 4 KiB, 30 cross it
    config.getJsonObject("sync").put("sizeLines", 100_000).put("maxBatchLines", 100_000).put("sizeBytes", "4KiB");
    ClientVerticle client = Edge.deployClient(vertx, config);
    edge.append(10);
    Edge.awaitRead(client, 10);
    edge.nothingSentFor(0, Duration.ofMillis(1_500), "10 lines are below 4 KiB: nothing is sent");
    edge.append(20);
    assertEquals(30, Await.value(edge::count, 30, Duration.ofSeconds(15)));
  }

  @Test
  void intervalAndSizeCombinedSendAtWhicheverComesFirst(Vertx vertx, @TempDir Path dir) throws Exception {
    Edge edge = new Edge(central, "rule_combined", dir);
    ServerVerticle server = Edge.deployServer(vertx, central, 0);
    JsonObject config = edge.clientConfig("interval-size", server.actualPort());
    config.getJsonObject("sync").put("interval", "10s").put("sizeLines", 100);
    long deployed = System.nanoTime();
    ClientVerticle client = Edge.deployClient(vertx, config);

    edge.append(150);
    assertEquals(150, Await.value(edge::count, 150, Duration.ofSeconds(15)));
    long sizeMs = (System.nanoTime() - deployed) / 1_000_000;
    assertTrue(sizeMs < 7_000, "the size threshold sent the batch before the 10 s interval: " + sizeMs + " ms");

    edge.append(10);
    Edge.awaitRead(client, 160);
    long elapsedMs = (System.nanoTime() - deployed) / 1_000_000;
    edge.nothingSentFor(150, Duration.ofMillis(Math.min(1_000, 9_000 - elapsedMs)),
        "10 lines are below the size threshold: they wait for the interval");
    assertEquals(160, Await.value(edge::count, 160, Duration.ofSeconds(20)), "the interval sends them");
  }
}
