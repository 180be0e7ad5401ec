package io.outflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.demo.TelegrafLikeLines;
import io.outflux.protocol.WireProtocol;
import io.outflux.testing.Await;
import io.outflux.testing.CentralInflux;
import io.outflux.testing.ClientFixture;
import io.outflux.testing.ServerFixture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client reports its backlog and lag (HTTP: with its batches; streaming: in a report message); the
 * server's fleet view shows them.
 */
@ExtendWith(VertxExtension.class)
class FleetReportIT {

  /** The fleet view answers InfluxDB admins only. */
  private static final String OPERATOR = "Basic " + java.util.Base64.getEncoder().encodeToString(
      (CentralInflux.ADMIN + ":" + CentralInflux.ADMIN_PASSWORD).getBytes(java.nio.charset.StandardCharsets.UTF_8));

  @RegisterExtension
  static final CentralInflux central = CentralInflux.perTestClass();

  @AfterEach
  void stopClientsWhileTheirSpoolStillExists(Vertx vertx) throws Exception {
    ClientFixture.undeployAll(vertx);
  }

  @Test
  void fleetViewShowsTheBacklogAndLagTheClientReported(Vertx vertx, @TempDir Path dir) throws Exception {
    int port = ServerFixture.deploy(vertx, central.influxd.url(), new JsonObject());
    Path spool = dir.resolve("metrics.lp");
    JsonObject config = ClientFixture.config("http://127.0.0.1:" + port, spool, CentralInflux.DB, CentralInflux.WRITER,
        CentralInflux.WRITER_PASSWORD);
    config.getJsonObject("sync").put("maxBatchLines", 500).put("maxInFlight", 1);
    ClientFixture.deploy(vertx, config);
    Files.write(spool, new TelegrafLikeLines("fleet", 1_700_000_000_000_000_000L).block(0, 3000));
    assertEquals(1000, Await.value(() -> central.count(CentralInflux.DB, "cpu"), 1000, Duration.ofSeconds(30)));

    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + WireProtocol.CLIENTS_PATH)).header("Authorization", OPERATOR).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    JsonObject entry = find(new JsonObject(r.body()), "edge-test");
    assertTrue(entry.getLong("backlogLines") >= 500, "the last batch reports at least its own lines: " + entry);
    assertTrue(entry.getLong("backlogBytes") > 0, entry.encode());
    assertTrue(entry.getDouble("lagSeconds") >= 0 && entry.getDouble("lagSeconds") < 30, entry.encode());
  }

  @Test
  void aStreamingClientIsListedWithItsTransport(Vertx vertx, @TempDir Path dir) throws Exception {
    central.influxd.createDatabase("fleet_ws");
    central.influxd.grant(io.outflux.influxd.Privilege.WRITE, "fleet_ws", CentralInflux.WRITER);
    int port = ServerFixture.deploy(vertx, central.influxd.url(), new JsonObject());
    Path spool = dir.resolve("metrics.lp");
    JsonObject config = ClientFixture.config("http://127.0.0.1:" + port, spool, "fleet_ws", CentralInflux.WRITER,
        CentralInflux.WRITER_PASSWORD).put("clientId", "edge-stream");
    config.getJsonObject("sync").put("rule", "streaming");
    ClientFixture.deploy(vertx, config);
    Files.write(spool, new TelegrafLikeLines("fleet-ws", 1_800_000_000_000_000_000L).block(0, 30));
    assertEquals(10, Await.value(() -> central.count("fleet_ws", "cpu"), 10, Duration.ofSeconds(30)),
        "streamed lines arrived");
    // the stream's report message arrives about once a second, also while nothing is sent
    JsonObject entry = Await.until(() -> find(clients(port), "edge-stream"),
        e -> e.containsKey("lagSeconds") && e.containsKey("backlogLines"), Duration.ofSeconds(15));
    assertEquals("websocket", entry.getString("transport"), entry.encode());
    assertTrue(entry.getLong("backlogBytes") >= 0 && entry.getDouble("lagSeconds") < 30, entry.encode());
    assertEquals("live", entry.getString("state"), entry.encode());
    assertTrue(entry.getLong("linesStored") >= 10, "lines stored through this node: " + entry.encode());
  }

  private static JsonObject clients(int port) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + WireProtocol.CLIENTS_PATH)).header("Authorization", OPERATOR).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body());
  }

  private static JsonObject find(JsonObject fleet, String clientId) {
    JsonArray clients = fleet.getJsonArray("clients");
    for (int i = 0; i < clients.size(); i++) {
      if (clientId.equals(clients.getJsonObject(i).getString("clientId"))) {
        return clients.getJsonObject(i);
      }
    }
    throw new AssertionError("client " + clientId + " not in the fleet view: " + fleet.encode());
  }
}
