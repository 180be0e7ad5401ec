package io.outflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.client.ClientVerticle;
import io.outflux.influxd.Privilege;
import io.outflux.protocol.WireProtocol;
import io.outflux.server.ServerVerticle;
import io.outflux.testing.Await;
import io.outflux.testing.CentralInflux;
import io.outflux.testing.ClientFixture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many sites, one database (issue 19), with a real influxd: two clients whose lines are identical
 * (same host tag, same timestamps, as two edge boxes cloned from one image) write to one database.
 * With the server's site tag on, every point of both is stored and can be told apart by site; with
 * it off, half of them overwrite the other half (the warning of docs/cluster.md). A line carrying
 * another site's tag is refused and dead-lettered; a route sends a client elsewhere than it asks,
 * and the client's credentials must allow the routed database.
 */
class SiteIT extends CentralTestBase {

  private static final int LINES = 300;
  private Vertx second;

  @AfterEach
  void stopSecondVertx() throws Exception {
    if (second != null) {
      ClientFixture.undeployAll(second);
      second.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static int server(Vertx vertx, JsonObject sites) throws Exception {
    ServerVerticle server = new ServerVerticle();
    Edge.deploy(vertx, server, new JsonObject()
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0))
        .put("influx", new JsonObject().put("url", central.influxd.url()))
        .put("sites", sites));
    return server.actualPort();
  }

  /** Two sites with the same lines (the same Edge line generator) in {@code db}, one Vert.x each (the client's bus addresses are fixed). */
  private ClientVerticle[] twoIdenticalSites(Vertx vertx, String db, int port, Path dir) throws Exception {
    second = Vertx.vertx();
    ClientVerticle[] clients = new ClientVerticle[2];
    Vertx[] where = {vertx, second};
    String[] ids = {"plant-a", "plant-b"};
    for (int i = 0; i < 2; i++) {
      Path d = Files.createDirectories(dir.resolve(ids[i]));
      Edge edge = new Edge(central, db, d);
      edge.append(LINES);
      JsonObject config = edge.clientConfig("interval", port).put("clientId", ids[i]);
      config.getJsonObject("sync").put("interval", "100ms");
      clients[i] = Edge.deployClient(where[i], config);
    }
    for (ClientVerticle c : clients) {
      Await.until(() -> acked(c), n -> n == LINES, Duration.ofSeconds(60));
    }
    return clients;
  }

  private static long acked(ClientVerticle client) throws Exception {
    return Edge.admin(client.adminPort(), "/status").getValue().getJsonObject("lines").getLong("acked");
  }

  /** Points of one site (or of all, site null) in the three measurements of {@code TelegrafLikeLines}. */
  private static long count(String db, String site) {
    long total = 0;
    for (Map.Entry<String, String> m : Map.of("cpu", "usage_user", "mem", "used", "disk", "free").entrySet()) {
      JsonObject r = central.influxd.query(db, "SELECT count(\"" + m.getValue() + "\") FROM \"" + m.getKey() + "\""
          + (site == null ? "" : " WHERE \"site\" = '" + site + "'"));
      JsonArray series = r.getJsonArray("results").getJsonObject(0).getJsonArray("series");
      total += series == null ? 0 : series.getJsonObject(0).getJsonArray("values").getJsonArray(0).getLong(1);
    }
    return total;
  }

  @Test
  void withTheSiteTagEveryPointOfBothSitesIsStoredAndQueryableBySite(Vertx vertx, @TempDir Path dir) throws Exception {
    int port = server(vertx, new JsonObject().put("tag", true));
    twoIdenticalSites(vertx, "sites_on", port, dir);
    assertEquals(2L * LINES, count("sites_on", null));
    assertEquals(LINES, count("sites_on", "plant-a"));
    assertEquals(LINES, count("sites_on", "plant-b"));
    Edge.Cli check = check(dir, "sites_on", port);
    assertTrue(check.out().contains("OK    sites            the server tags every line of this client with "
        + "site=plant-c in database sites_on"), check.out());
    JsonObject tagValues = central.influxd.query("sites_on", "SHOW TAG VALUES FROM \"cpu\" WITH KEY = \"site\"");
    assertEquals("[[\"site\",\"plant-a\"],[\"site\",\"plant-b\"]]", tagValues.getJsonArray("results").getJsonObject(0)
        .getJsonArray("series").getJsonObject(0).getJsonArray("values").encode());
  }

  @Test
  void withoutTheSiteTagHalfThePointsOverwriteTheOtherHalf(Vertx vertx, @TempDir Path dir) throws Exception {
    int port = server(vertx, new JsonObject());
    twoIdenticalSites(vertx, "sites_off", port, dir);
    // both clients' 300 lines were acknowledged, yet the database holds 300 points, not 600
    assertEquals(LINES, count("sites_off", null));
    assertEquals(LINES, central.influxd.countPoints("sites_off"));
    // outflux check of a third site warns: the server sees other clients and adds no site tag
    Edge.Cli check = check(dir, "sites_off", port);
    assertEquals(1, check.exit(), check.out());
    assertTrue(check.out().contains("WARN  sites            the server adds no site tag to database sites_off and 2 "
        + "other clients send to it"), check.out());
  }

  private static Edge.Cli check(Path dir, String db, int port) throws Exception {
    Path d = Files.createDirectories(dir.resolve("plant-c"));
    JsonObject config = new Edge(central, db, d).clientConfig("interval", port).put("clientId", "plant-c");
    Path conf = Files.writeString(d.resolve("client.json"), config.encodePrettily());
    return Edge.cli("check", "--conf", conf.toString(), "--timeout", "5s");
  }

  @Test
  void theTagCanBeOnForOneDatabaseOnly(Vertx vertx, @TempDir Path dir) throws Exception {
    int port = server(vertx, new JsonObject().put("tagName", "plant")
        .put("databases", new JsonObject().put("sites_one", true)));
    twoIdenticalSites(vertx, "sites_one", port, dir);
    JsonObject r = central.influxd.query("sites_one", "SELECT count(\"used\") FROM \"mem\" WHERE \"plant\" = 'plant-b'");
    assertEquals(LINES / 3, r.getJsonArray("results").getJsonObject(0).getJsonArray("series").getJsonObject(0)
        .getJsonArray("values").getJsonArray(0).getLong(1));
  }

  @Test
  void aLineClaimingAnotherSiteIsDeadLetteredWithTheReason(Vertx vertx, @TempDir Path dir) throws Exception {
    int port = server(vertx, new JsonObject().put("tag", true));
    Edge edge = new Edge(central, "sites_forged", dir);
    Files.writeString(edge.spool, "cpu,host=gw,site=plant-b usage_user=1 1700000000000000000\n"
        + "cpu,host=gw,site=plant-a usage_user=2 1700000000000000000\n"
        + "cpu,host=gw usage_user=3 1700000000000000001\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    JsonObject config = edge.clientConfig("interval", port).put("clientId", "plant-a");
    ClientVerticle client = Edge.deployClient(vertx, config);
    Await.until(() -> acked(client), n -> n == 3, Duration.ofSeconds(60));
    Path deadLetter = dir.resolve("metrics.lp.deadletter");
    String dead = Await.until(() -> Files.exists(deadLetter) ? Files.readString(deadLetter) : "",
        s -> s.contains("plant-b"), Duration.ofSeconds(30));
    assertTrue(dead.contains("site tag conflict: the line carries site=plant-b but the server identifies this client "
        + "as site=plant-a"), dead);
    assertEquals(2, central.influxd.countPoints("sites_forged"));
    assertEquals(2, count("sites_forged", "plant-a"));
    assertEquals(0, count("sites_forged", "plant-b"));
  }

  @Test
  void aRouteSendsAClientToItsDatabaseAndItsCredentialsMustAllowThatOne(Vertx vertx, @TempDir Path dir)
      throws Exception {
    central.influxd.createDatabase("routed_plant_r");
    central.influxd.grant(Privilege.WRITE, "routed_plant_r", CentralInflux.WRITER);
    central.influxd.createUser("outsider", "outsider-pw", false);
    int port = server(vertx, new JsonObject().put("routes", new JsonArray()
        .add(new JsonObject().put("clientId", "plant-r*").put("database", "routed_plant_r"))));
    Edge edge = new Edge(central, "asked_plant_r", dir);
    central.influxd.grant(Privilege.WRITE, "asked_plant_r", "outsider");
    edge.append(LINES);
    ClientVerticle client = Edge.deployClient(vertx, edge.clientConfig("interval", port).put("clientId", "plant-r1"));
    Await.until(() -> acked(client), n -> n == LINES, Duration.ofSeconds(60));
    assertEquals(LINES, central.influxd.countPoints("routed_plant_r"));
    assertEquals(0, central.influxd.countPoints("asked_plant_r"));

    // the outsider may write to the database it asks for, not to the one its client id is routed to
    HttpResponse<String> refused = post(port, "asked_plant_r", "plant-r2", "outsider", "outsider-pw");
    assertEquals(403, refused.statusCode(), refused.body());
    HttpResponse<String> other = post(port, "asked_plant_r", "elsewhere-1", "outsider", "outsider-pw");
    assertEquals(200, other.statusCode(), other.body());
    assertEquals(1, central.influxd.countPoints("asked_plant_r"));
  }

  private static HttpResponse<String> post(int port, String db, String clientId, String user, String password)
      throws Exception {
    String auth = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + WireProtocol.BATCHES_PATH + "?db=" + db))
        .header("Authorization", "Basic " + auth).header(WireProtocol.HEADER_CLIENT_ID, clientId)
        .POST(HttpRequest.BodyPublishers.ofString("probe,src=" + clientId + " v=1 1700000000000000000\n"))
        .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
