package io.outflux.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.client.ClientVerticle;
import io.outflux.demo.TelegrafLikeLines;
import io.outflux.influxd.Privilege;
import io.outflux.ingest.InfluxWriterVerticle;
import io.outflux.server.ServerVerticle;
import io.outflux.spool.CheckpointStore;
import io.outflux.testing.Await;
import io.outflux.testing.CentralInflux;
import io.outflux.testing.ClientFixture;
import io.outflux.testing.LogCapture;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Deployable;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The central InfluxDB goes away for 30 s in the middle of a sync. */
@Tag("slow")
@ExtendWith(VertxExtension.class)
class InfluxOutageIT {

  @AfterEach
  void stopClientsWhileTheirSpoolStillExists(Vertx vertx) throws Exception {
    ClientFixture.undeployAll(vertx);
  }

  @Test
  void nothingIsAcknowledgedWhileInfluxDbIsDownAndNothingIsLostAfterwards(Vertx vertx, @TempDir Path dir)
      throws Exception {
    try (CentralInflux central = CentralInflux.start(); LogCapture log = new LogCapture(InfluxWriterVerticle.class)) {
      central.influxd.createDatabase("outage");
      central.influxd.grant(Privilege.WRITE, "outage", CentralInflux.WRITER);
      ServerVerticle server = new ServerVerticle();
      deploy(vertx, server, new JsonObject()
          .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0))
          .put("influx", new JsonObject().put("url", central.influxd.url()).put("timeout", "2s")));
      Path spool = dir.resolve("metrics.lp");
      deploy(vertx, new ClientVerticle(), new JsonObject()
          .put("clientId", "edge-outage")
          .put("servers", new JsonArray().add("http://127.0.0.1:" + server.actualPort()))
          .put("influx", new JsonObject().put("username", CentralInflux.WRITER)
              .put("password", CentralInflux.WRITER_PASSWORD).put("database", "outage"))
          .put("spool", new JsonObject().put("path", spool.toString()).put("pollInterval", "20ms"))
          .put("sync", new JsonObject().put("rule", "interval").put("interval", "100ms").put("maxBatchLines", 1000))
          .put("transport", new JsonObject().put("retryInitialDelay", "100ms").put("retryMaxDelay", "2s")));
      CheckpointStore checkpoint = new CheckpointStore(Path.of(spool + ".checkpoint"));
      TelegrafLikeLines lines = new TelegrafLikeLines("edge-outage", 1_700_000_000_000_000_000L);

      Files.write(spool, lines.block(0, 5_000), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      assertEquals(5_000, Await.value(() -> central.influxd.countPoints("outage"), 5_000, Duration.ofSeconds(30)));

      // every line so far acknowledged before the kill, so no ack of a completed write is still on its way
      long ackedAtStop = Files.size(spool);
      assertEquals(ackedAtStop, Await.value(() -> checkpoint.load().synced().offset(), ackedAtStop, Duration.ofSeconds(10)));
      central.influxd.kill9();
      for (int i = 1; i <= 10; i++) {
        Files.write(spool, lines.block(i * 1_000 + 4_000, i * 1_000 + 5_000), StandardOpenOption.APPEND);
        // Telegraf writes a block every 3 s of the outage; meanwhile the checkpoint must not move
        int block = i;
        await("nothing acknowledged " + (i * 3) + " s into the outage").during(Duration.ofMillis(2_900))
            .atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
            .until(() -> checkpoint.load().synced().offset(), offset -> {
              assertEquals(ackedAtStop, offset, "nothing is acknowledged while InfluxDB is down (block " + block + ")");
              return true;
            });
      }
      assertTrue(Files.size(spool) > ackedAtStop, "the spool holds the unsynced lines");

      String began = "InfluxDB at " + central.influxd.url() + " is unavailable";
      assertEquals(1, count(log, began), "the outage is logged once, when it begins:\n" + log.everything());
      assertEquals(0, count(log, "answers again"), log.everything());

      central.influxd.restart();
      assertEquals(15_000, Await.value(() -> central.influxd.countPoints("outage"), 15_000, Duration.ofSeconds(60)),
          "every line written during the outage arrives once InfluxDB is back");
      assertEquals(Files.size(spool), Await.value(() -> checkpoint.load().synced().offset(), Files.size(spool),
          Duration.ofSeconds(10)), "and is then acknowledged");
      String ended = log.messages().stream().filter(m -> m.contains("answers again after")).findFirst()
          .orElseThrow(() -> new AssertionError("the end of the outage is logged:\n" + log.everything()));
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("; (\\d+) batch\\(es\\) refused meanwhile")
          .matcher(ended);
      assertTrue(m.find(), ended);
      // the client retried every 2 s at most for 30 s: at least one refusal per retry
      assertTrue(Long.parseLong(m.group(1)) >= 10, ended);
      assertEquals(1, count(log, began), "one outage, one line:\n" + log.everything());
      assertEquals(1, count(log, "answers again"), log.everything());
    }
  }

  private static long count(LogCapture log, String text) {
    return log.messages().stream().filter(m -> m.contains(text)).count();
  }

  private static String deploy(Vertx vertx, Deployable verticle, JsonObject config) throws Exception {
    return vertx.deployVerticle(verticle, new DeploymentOptions().setConfig(config))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
