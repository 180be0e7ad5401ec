package io.outflux.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Counter;
import io.outflux.client.ClientVerticle;
import io.outflux.influxd.InfluxdOptions;
import io.outflux.influxd.InfluxdProcess;
import io.outflux.influxd.Privilege;
import io.outflux.metrics.Metrics;
import io.outflux.server.ServerVerticle;
import io.outflux.testing.Await;
import io.outflux.testing.CentralInflux;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The continuous audit with two real influxd (edge and central), a server and a client: points
 * written only at the edge (bypassing the spool, as another writer or a lost Telegraf output would)
 * in a past window appear centrally after an audit cycle, field by field; windows that match
 * cause no write at all.
 */
class AuditIT extends CentralTestBase {

  private static final long WINDOW = 600_000_000_000L;   // audit.window 10m, in ns
  private static InfluxdProcess edgeInflux;
  private int serverPort;

  @BeforeAll
  static void start() {
    edgeInflux = InfluxdProcess.start(InfluxdOptions.builder().build());
  }

  @AfterAll
  static void stop() {
    if (edgeInflux != null) {
      edgeInflux.close();
    }
  }

  /** A window start well in the past (closed, older than the lag), aligned to the audit window. */
  private static long pastWindow(int windowsAgo) {
    long now = Instant.now().getEpochSecond() * 1_000_000_000L;
    return (now / WINDOW - windowsAgo) * WINDOW;
  }

  private static String lines(String measurement, long start, int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(measurement).append(",host=gw,line=a\\,b temp=").append(20 + i % 7).append(".5,count=").append(i)
          .append("i,ok=").append(i % 2 == 0).append(",note=\"n=").append(i).append(", x\" ")
          .append(start + i * 1_000_000_000L + i).append('\n');
    }
    return sb.toString();
  }

  private ClientVerticle client(Vertx vertx, String db, Path dir) throws Exception {
    central.influxd.createDatabase(db);
    // the audit counts with the client's credentials: the user needs READ as well as WRITE
    central.influxd.grant(Privilege.ALL, db, CentralInflux.WRITER);
    ServerVerticle server = Edge.deployServer(vertx, central, 0);
    serverPort = server.actualPort();
    Path spool = Files.writeString(dir.resolve("metrics.lp"), "");
    JsonObject config = new JsonObject()
        .put("clientId", "audit-" + db)
        .put("servers", new io.vertx.core.json.JsonArray().add("http://127.0.0.1:" + server.actualPort()))
        .put("influx", new JsonObject().put("username", CentralInflux.WRITER)
            .put("password", CentralInflux.WRITER_PASSWORD).put("database", db))
        .put("spool", new JsonObject().put("path", spool.toString()).put("pollInterval", "20ms"))
        .put("sync", new JsonObject().put("rule", "interval").put("interval", "100ms"))
        .put("transport", new JsonObject().put("retryInitialDelay", "100ms").put("retryMaxDelay", "500ms"))
        .put("admin", new JsonObject().put("port", 0))
        .put("edge", new JsonObject().put("url", edgeInflux.url()).put("database", db))
        .put("audit", new JsonObject().put("enabled", true).put("interval", "500ms").put("window", "10m")
            .put("lag", "1m").put("lookback", "1h").put("recheckAfter", "1s"));
    return Edge.deployClient(vertx, config);
  }

  private static JsonObject audit(ClientVerticle client) throws Exception {
    return Edge.admin(client.adminPort(), "/status").getValue().getJsonObject("audit");
  }

  private JsonObject fleetEntry(String clientId) throws Exception {
    String auth = java.util.Base64.getEncoder().encodeToString((CentralInflux.ADMIN + ":" + CentralInflux.ADMIN_PASSWORD)
        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
        .newBuilder(java.net.URI.create("http://127.0.0.1:" + serverPort + io.outflux.protocol.WireProtocol.CLIENTS_PATH))
        .header("Authorization", "Basic " + auth).timeout(Duration.ofSeconds(20)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    for (Object o : new JsonObject(r.body()).getJsonArray("clients")) {
      if (clientId.equals(((JsonObject) o).getString("clientId"))) {
        return (JsonObject) o;
      }
    }
    return new JsonObject();
  }

  /** Lines written by every server deployment in this JVM (each server's counter carries its own tag). */
  private static double linesWritten() {
    return Metrics.registry().find("outflux_server_lines_written").counters().stream().mapToDouble(Counter::count)
        .sum();
  }

  @Test
  void pointsOnlyAtTheEdgeAppearCentrallyAfterAnAuditCycle(Vertx vertx, @TempDir Path dir) throws Exception {
    String db = "audit_gap";
    edgeInflux.createDatabase(db);
    long gap = pastWindow(3);
    long same = pastWindow(4);
    assertEquals(204, edgeInflux.write(db, lines("machine", gap, 250) + lines("machine", same, 100)
        + lines("other", same, 40)).status());
    central.influxd.createDatabase(db);
    // the older window already reached the centre (e.g. synced normally)
    assertEquals(204, central.influxd.write(db, lines("machine", same, 100) + lines("other", same, 40)).status());
    ClientVerticle client = client(vertx, db, dir);

    assertEquals(390, Await.value(() -> central.influxd.countPoints(db), 390, Duration.ofSeconds(60)));
    for (String m : new String[] {"machine", "other"}) {
      String q = "SELECT * FROM \"" + m + "\"";
      assertEquals(edgeInflux.query(db, q).encode(), central.influxd.query(db, q).encode(), m);
    }
    JsonObject status = Await.until(() -> audit(client),
        a -> a.getJsonObject("windows").getLong("repaired") == 1, Duration.ofSeconds(30));
    JsonObject windows = status.getJsonObject("windows");
    assertEquals(1, windows.getLong("differing"), status.encodePrettily());
    assertEquals(0, windows.getLong("unrepairable"), status.encodePrettily());
    assertTrue(Instant.parse(status.getString("verifiedUpTo")).isAfter(Instant.ofEpochSecond(gap / 1_000_000_000L + 600)),
        status.encodePrettily());
    assertTrue(io.outflux.cli.StatusFormatAccess.format(Edge.admin(client.adminPort(), "/status").getValue())
        .contains("audit       verified up to " + status.getString("verifiedUpTo")), "outflux status shows it");

    // the fleet view (and page) shows it too, from the client's audit summary
    JsonObject fleetAudit = Await.until(() -> fleetEntry("audit-" + db).getJsonObject("audit", new JsonObject()),
        a -> a.getString("verifiedUpTo", "").equals(status.getString("verifiedUpTo")), Duration.ofSeconds(30));
    assertEquals(1, fleetAudit.getJsonObject("windows").getLong("repaired"), fleetAudit.encode());
  }

  @Test
  void windowsThatMatchCauseNoWrites(Vertx vertx, @TempDir Path dir) throws Exception {
    String db = "audit_same";
    edgeInflux.createDatabase(db);
    String both = lines("machine", pastWindow(2), 120) + lines("machine", pastWindow(5), 80);
    assertEquals(204, edgeInflux.write(db, both).status());
    central.influxd.createDatabase(db);
    assertEquals(204, central.influxd.write(db, both).status());
    ClientVerticle client = client(vertx, db, dir);
    double before = linesWritten();
    Await.until(() -> audit(client), a -> a.getJsonObject("windows").getLong("checked") >= 6
        && a.containsKey("verifiedUpTo"), Duration.ofSeconds(30));
    await("no audit write").during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(200)).until(() -> {
          assertEquals(before, linesWritten(), "the server wrote lines");
          assertEquals(0, Files.size(dir.resolve("metrics.lp")), "the audit appended to the spool");
          return true;
        });
    JsonObject windows = audit(client).getJsonObject("windows");
    assertEquals(0, windows.getLong("differing"), windows.encode());
    assertEquals(200, central.influxd.countPoints(db));
  }
}
