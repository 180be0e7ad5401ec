package io.outflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.server.ServerVerticle;
import io.outflux.testing.Await;
import io.outflux.testing.CentralInflux;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A metered link against a real central InfluxDB: the rate holds end to end; outside a window nothing is sent, and nothing is lost. */
@ExtendWith(VertxExtension.class)
class MeteredLinkIT {

  @RegisterExtension
  static final CentralInflux central = CentralInflux.perTestClass();

  @AfterEach
  void stopClientsWhileTheirSpoolStillExists(Vertx vertx) throws Exception {
    Edge.undeployAll(vertx);
  }

  @Test
  void theMaximumRateHoldsFromSpoolToInfluxDb(Vertx vertx, @TempDir Path dir) throws Exception {
    Edge edge = new Edge(central, "metered_rate", dir);
    ServerVerticle server = Edge.deployServer(vertx, central, 0);
    JsonObject config = edge.clientConfig("interval", server.actualPort());
    config.getJsonObject("sync").put("interval", "50ms");
    config.put("link", new JsonObject().put("maxRate", "32KiB"));
    edge.append(1_000);
    long bytes = Files.size(edge.spool);
    long started = System.nanoTime();
    Edge.deployClient(vertx, config);
    // the first batch is larger than a second's worth: it goes at once and leaves the link in debt
    assertEquals(1_000, Await.value(edge::count, 1_000, Duration.ofSeconds(30)));
    edge.append(1_000);
    assertEquals(2_000, Await.value(edge::count, 2_000, Duration.ofSeconds(60)));
    double seconds = (System.nanoTime() - started) / 1e9;
    // the second batch may go once the bucket holds a second's worth again: after bytes / rate
    double least = (double) bytes / (32 * 1024);
    assertTrue(least > 3, "the test needs a few seconds of data: " + bytes + " bytes");
    assertTrue(seconds >= least, 2 * bytes + " bytes in " + seconds + " s, faster than 32 KiB/s allows (" + least + " s)");
  }

  @Test
  void outsideTheTransferWindowNothingIsSentAndEverythingFollowsLater(Vertx vertx, @TempDir Path dir) throws Exception {
    Edge edge = new Edge(central, "metered_window", dir);
    ServerVerticle server = Edge.deployServer(vertx, central, 0);
    JsonObject config = edge.clientConfig("interval", server.actualPort());
    config.getJsonObject("sync").put("interval", "50ms");
    LocalTime now = LocalTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MINUTES);
    config.put("link", new JsonObject().put("timeZone", "UTC")
        .put("windows", new JsonArray().add(now.plusHours(2) + "-" + now.plusHours(3))));
    String id = Edge.deploy(vertx, new io.outflux.client.ClientVerticle(), config);
    edge.append(300);
    Thread.sleep(2_000);
    assertEquals(0, edge.count(), "the window opens in two hours");

    Edge.undeploy(vertx, id);
    config.remove("link");
    Edge.deployClient(vertx, config);
    assertEquals(300, Await.value(edge::count, 300, Duration.ofSeconds(30)), "the lines waited in the spool");
  }
}
