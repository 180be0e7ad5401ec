package io.outflux.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.influxd.FreePorts;
import io.outflux.server.ServerVerticle;
import io.outflux.testing.Await;
import io.outflux.testing.LogCapture;
import io.outflux.transport.TransportVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A list of server addresses over HTTP POST: fail over to the next, come back to the first later. */
class FailoverIT extends CentralTestBase {

  @Test
  void withTheFirstServerDownBatchesArriveViaTheSecondAndTheClientComesBackToTheFirstLater(Vertx vertx,
      @TempDir Path dir) throws Exception {
    Edge edge = new Edge(central, "failover_http", dir);
    int first = FreePorts.next();
    ServerVerticle second = Edge.deployServer(vertx, central, 0);
    JsonObject config = edge.clientConfig("interval", first, second.actualPort());
    config.getJsonObject("sync").put("interval", "100ms");
    config.getJsonObject("transport").put("failbackAfter", "1s").put("gzip", true);
    Vertx firstVertx = Vertx.vertx();
    try (LogCapture log = new LogCapture(TransportVerticle.class)) {
      Edge.deployClient(vertx, config);
      edge.append(200);
      assertEquals(200, Await.value(edge::count, 200, Duration.ofSeconds(20)), "delivered via the second server");
      assertTrue(log.messages().stream().anyMatch(m -> m.startsWith("failing over from http://127.0.0.1:" + first)),
          log.messages().toString());

      Edge.deploy(firstVertx, new ServerVerticle(), new JsonObject()
          .put("http", new JsonObject().put("host", "127.0.0.1").put("port", first))
          .put("influx", new JsonObject().put("url", central.influxd.url())));
      // the scenario: transport.failbackAfter (1 s) passes, a clock and nothing else (nothing is sent
      // meanwhile); the next batch tries the first
      await("transport.failbackAfter passes").during(Duration.ofMillis(1_200)).atMost(Duration.ofSeconds(10))
          .until(edge::count, n -> n == 200);
      edge.append(100);
      assertEquals(300, Await.value(edge::count, 300, Duration.ofSeconds(20)));
      assertTrue(log.messages().stream().anyMatch(m -> m.startsWith("trying the first server http://127.0.0.1:" + first)),
          "after transport.failbackAfter the first server is used again: " + log.messages());
      long failovers = log.messages().stream().filter(m -> m.startsWith("failing over")).count();
      assertEquals(1, failovers, "the first server took the batches after the failback: " + log.messages());
    } finally {
      firstVertx.close().toCompletionStage().toCompletableFuture().get();
    }
  }
}
