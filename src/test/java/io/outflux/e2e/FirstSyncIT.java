package io.outflux.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.client.ClientVerticle;
import io.outflux.demo.TelegrafLikeLines;
import io.outflux.influxd.InfluxdOptions;
import io.outflux.influxd.InfluxdProcess;
import io.outflux.server.ServerVerticle;
import io.outflux.spool.CheckpointStore;
import io.outflux.testing.Await;
import io.outflux.testing.CentralInflux;
import io.outflux.testing.ClientFixture;
import io.outflux.testing.LogCapture;
import io.outflux.transport.TransportVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first end-to-end sync: two real influxd (the edge's, written like Telegraf would, and the
 * central one with auth on), a server and a client deployed in Vert.x, lines appended to the spool.
 */
@ExtendWith(VertxExtension.class)
class FirstSyncIT {

  private static InfluxdProcess edge;
  @RegisterExtension
  static final CentralInflux central = CentralInflux.perTestClass();

  @BeforeAll
  static void startInfluxDbs() {
    edge = InfluxdProcess.start(InfluxdOptions.defaults());
    edge.createDatabase("telegraf");
  }

  @AfterAll
  static void stopInfluxDbs() {
    if (edge != null) {
      edge.close();
    }
  }

  @AfterEach
  void stopClientsWhileTheirSpoolStillExists(Vertx vertx) throws Exception {
    ClientFixture.undeployAll(vertx);
  }

  @Test
  void tenThousandLinesAppendedInChunksAllArriveCentrally(Vertx vertx, @TempDir Path dir) throws Exception {
    central.influxd.createDatabase("sync_all");
    central.influxd.grant(io.outflux.influxd.Privilege.WRITE, "sync_all", CentralInflux.WRITER);
    int port = deployServer(vertx);
    Path spool = dir.resolve("metrics.lp");
    deploy(vertx, new ClientVerticle(), clientConfig(port, spool, "sync_all", CentralInflux.WRITER_PASSWORD));

    TelegrafLikeLines lines = new TelegrafLikeLines("edge-01", 1_700_000_000_000_000_000L);
    int total = 10_000;
    int chunks = 7;
    int written = 0;
    for (int c = 0; c < chunks; c++) {
      int end = c == chunks - 1 ? total : written + total / chunks;
      byte[] block = lines.block(written, end);
      // Telegraf writes the edge's own InfluxDB too; the demo does the same
      assertEquals(204, edge.write("telegraf", new String(block, java.nio.charset.StandardCharsets.UTF_8)).status());
      // a chunk that ends mid-line: the client must wait for the rest of the line
      int split = block.length - 17;
      Files.write(spool, java.util.Arrays.copyOfRange(block, 0, split), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      // the scenario: the tail sees the half line first; it syncs the complete lines before it and waits
      int complete = end - 1;
      assertEquals(complete, Await.value(() -> countAll("sync_all"), complete, Duration.ofSeconds(30)),
          "the complete lines before a half-written one are synced");
      Files.write(spool, java.util.Arrays.copyOfRange(block, split, block.length), StandardOpenOption.APPEND);
      written = end;
      Thread.sleep(100); // Telegraf's pace between flushes
    }

    long synced = Await.value(() -> countAll("sync_all"), total, Duration.ofSeconds(60));
    assertEquals(total, synced, "every point appended to the spool is in the central InfluxDB");
    assertEquals(total, edge.countPoints("telegraf"), "the edge InfluxDB got the same points");
    long size = Files.size(spool);
    long checkpointed = Await.value(
        () -> new CheckpointStore(Path.of(spool + ".checkpoint")).load().synced().offset(), size, Duration.ofSeconds(10));
    assertEquals(size, checkpointed, "the checkpoint covers the whole spool once everything is acknowledged");
  }

  /** transport.compression zstd: the server decodes zstd bodies; every point arrives, exactly. */
  @Test
  void zstdBodiesArriveWhole(Vertx vertx, @TempDir Path dir) throws Exception {
    central.influxd.createDatabase("sync_zstd");
    central.influxd.grant(io.outflux.influxd.Privilege.WRITE, "sync_zstd", CentralInflux.WRITER);
    int port = deployServer(vertx);
    Path spool = dir.resolve("metrics.lp");
    int total = 25_000;
    Files.write(spool, new TelegrafLikeLines("edge-zstd", 1_700_000_000_000_000_000L).block(0, total));
    JsonObject config = clientConfig(port, spool, "sync_zstd", CentralInflux.WRITER_PASSWORD);
    config.getJsonObject("transport").put("compression", "zstd");
    try (LogCapture log = new LogCapture(io.outflux.transport.HttpBatchSender.class)) {
      deploy(vertx, new ClientVerticle(), config);
      assertEquals(total, Await.value(() -> countAll("sync_zstd"), total, Duration.ofSeconds(60)));
      assertTrue(log.messages().stream().noneMatch(m -> m.contains("does not take zstd")), log.messages().toString());
    }
  }

  @Test
  void wrongPasswordStopsSendingWithOneClearMessageAndResumesOnceFixedCentrally(Vertx vertx, @TempDir Path dir)
      throws Exception {
    central.influxd.createDatabase("sync_denied");
    central.influxd.createUser("edge_denied", "right-pw", false);
    central.influxd.grant(io.outflux.influxd.Privilege.WRITE, "sync_denied", "edge_denied");
    int port = deployServer(vertx);
    Path spool = dir.resolve("metrics.lp");
    try (LogCapture log = new LogCapture(TransportVerticle.class)) {
      JsonObject config = clientConfig(port, spool, "sync_denied", "not-the-password");
      config.getJsonObject("influx").put("username", "edge_denied");
      config.getJsonObject("transport").put("retryInitialDelay", "100ms").put("retryMaxDelay", "400ms")
          .put("authRetryInterval", "1s");
      String clientDeployment = deploy(vertx, new ClientVerticle(), config);
      TelegrafLikeLines lines = new TelegrafLikeLines("edge-02", 1_700_000_000_000_000_000L);
      Files.write(spool, lines.block(0, 100));

      long probes = Await.value(() -> log.messages().stream().filter(m -> m.startsWith("still refused")).count(), 2,
          Duration.ofSeconds(20));
      assertEquals(2, probes, "the credentials are tried again, rarely: " + log.messages());
      String first = log.messages().get(0);
      assertTrue(first.startsWith("stopped sending") && first.contains("HTTP 401")
          && first.contains("credentials of user edge_denied") && first.contains("influx.password"), first);
      assertEquals(1, log.messages().stream().filter(m -> m.startsWith("stopped sending")).count(),
          "one clear error, not one per batch or per retry: " + log.messages());
      assertTrue(log.messages().stream().noneMatch(m -> m.contains("not delivered")),
          "no retry storm while the credentials are refused: " + log.messages());
      assertTrue(log.messages().stream().noneMatch(m -> m.contains("not-the-password")), "the password is never logged");
      assertTrue(vertx.deploymentIDs().contains(clientDeployment), "the client is still running");
      Files.write(spool, lines.block(100, 250), StandardOpenOption.APPEND);
      await("nothing written or acknowledged with wrong credentials").during(Duration.ofSeconds(1))
          .atMost(Duration.ofSeconds(10)).until(() -> {
            assertEquals(0, countAll("sync_denied"), "nothing was written with wrong credentials");
            assertEquals(0, new CheckpointStore(Path.of(spool + ".checkpoint")).load().synced().offset(),
                "nothing was acknowledged; the spool keeps growing on disk");
            return true;
          });

      // the operator makes the central user's password the one the site uses: the next probe gets through
      central.influxd.query("SET PASSWORD FOR \"edge_denied\" = 'not-the-password'");
      assertEquals(250, Await.value(() -> countAll("sync_denied"), 250, Duration.ofSeconds(20)));
      assertTrue(log.messages().stream().anyMatch(m -> m.contains("sending resumes")), log.messages().toString());
    }
  }

  private static long countAll(String db) {
    long sum = 0;
    for (String[] m : TelegrafLikeLines.MEASUREMENTS) {
      sum += central.influxd.count(db, m[0]);
    }
    return sum;
  }

  private static int deployServer(Vertx vertx) throws Exception {
    ServerVerticle server = new ServerVerticle();
    JsonObject config = new JsonObject()
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0))
        .put("influx", new JsonObject().put("url", central.influxd.url()));
    deploy(vertx, server, config);
    return server.actualPort();
  }

  private static JsonObject clientConfig(int port, Path spool, String db, String password) {
    return new JsonObject()
        .put("clientId", "edge-test")
        .put("servers", new JsonArray().add("http://127.0.0.1:" + port))
        .put("influx", new JsonObject().put("username", CentralInflux.WRITER).put("password", password).put("database", db))
        .put("spool", new JsonObject().put("path", spool.toString()).put("pollInterval", "20ms"))
        .put("sync", new JsonObject().put("rule", "interval").put("interval", "200ms").put("maxBatchLines", 1000))
        .put("transport", new JsonObject())
        .put("admin", new JsonObject().put("port", 0));
  }

  private static String deploy(Vertx vertx, io.vertx.core.Deployable verticle, JsonObject config) throws Exception {
    Future<String> f = vertx.deployVerticle(verticle, new DeploymentOptions().setConfig(config));
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
