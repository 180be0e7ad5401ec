package io.outflux.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.batch.SyncConfig;
import io.outflux.client.ClientVerticle;
import io.outflux.demo.TelegrafLikeLines;
import io.outflux.influxd.Privilege;
import io.outflux.protocol.WireProtocol;
import io.outflux.testing.Await;
import io.outflux.testing.CentralInflux;
import io.outflux.testing.ServerNode;
import io.vertx.core.DeploymentOptions;
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
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two outflux server nodes as separate JVMs from the jar, clustered with Hazelcast on loopback, in
 * front of one real influxd. The node-killing test runs last.
 */
@Tag("slow")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {

  @TempDir
  static Path dir;
  @RegisterExtension
  static final CentralInflux central = CentralInflux.perTestClass();
  private static ServerNode a;
  private static ServerNode b;
  private static ServerNode.Cluster cluster;
  /** The operator endpoints answer InfluxDB admins only. */
  private static final String OPERATOR = "Basic " + java.util.Base64.getEncoder().encodeToString(
      (CentralInflux.ADMIN + ":" + CentralInflux.ADMIN_PASSWORD).getBytes(java.nio.charset.StandardCharsets.UTF_8));
  private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = ServerNode.Cluster.of(2);
    a = ServerNode.start("node-a", cluster, 0, central.influxd.url(), dir);
    b = ServerNode.start("node-b", cluster, 1, central.influxd.url(), dir);
    a.awaitHealthy(Duration.ofSeconds(60));
    b.awaitHealthy(Duration.ofSeconds(60));
    // both nodes must see each other before the tests rely on cluster-wide state
    long members = Await.value(() -> flushReply(a).getInteger("nodesInCluster", 0), 2, Duration.ofSeconds(30));
    assertEquals(2, members, "the nodes formed one cluster:\n" + a.logText());
  }

  @AfterAll
  static void stopAll() {
    for (AutoCloseable c : new AutoCloseable[] {a, b, a2}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception ignored) {
        // best effort
      }
    }
  }

  @Test
  @Order(1)
  void aBatchRetriedOnAnotherNodeIsAcknowledgedWithoutBeingWrittenAgain() throws Exception {
    central.influxd.createDatabase("dedupe");
    central.influxd.grant(Privilege.WRITE, "dedupe", CentralInflux.WRITER);
    String body = new String(new TelegrafLikeLines("dedupe-01", 1_700_000_000_000_000_000L).block(0, 500),
        StandardCharsets.UTF_8);

    double writtenBefore = linesWritten(a) + linesWritten(b);
    HttpResponse<String> first = post(a, "dedupe", "edge-dedupe", 7, body);
    assertEquals(200, first.statusCode(), first.body());
    HttpResponse<String> retried = post(b, "dedupe", "edge-dedupe", 7, body);
    assertEquals(200, retried.statusCode(), retried.body());
    assertEquals(new JsonObject(first.body()), new JsonObject(retried.body()), "the retry gets the same reply");
    assertTrue(b.logText().contains("batch 7 of client edge-dedupe was already stored"), b.logText());

    // same number, other lines (a client that restarted and re-cut its batches): written
    String other = new String(new TelegrafLikeLines("dedupe-02", 1_700_000_000_000_000_000L).block(0, 300),
        StandardCharsets.UTF_8);
    assertEquals(200, post(b, "dedupe", "edge-dedupe", 7, other).statusCode());
    assertEquals(800, central.influxd.countPoints("dedupe"), "both distinct batches are stored");
    // InfluxDB would overwrite a second write of the 500 lines silently: only the nodes' counters show it
    assertEquals(800, linesWritten(a) + linesWritten(b) - writtenBefore,
        "each batch written once over both nodes, the retry of batch 7 not at all");
  }

  /**
   * Wire version 2: a batch named by its spool range. A client that restarted re-cuts its lines from
   * its checkpoint: the resent range is written only beyond what any node stored of it.
   */
  @Test
  @Order(1)
  void aResentSpoolRangeIsWrittenOnlyBeyondWhatAnyNodeStoredOfIt() throws Exception {
    central.influxd.createDatabase("positions");
    central.influxd.grant(Privilege.WRITE, "positions", CentralInflux.WRITER);
    TelegrafLikeLines lines = new TelegrafLikeLines("positions-01", 1_700_000_000_000_000_000L);
    String first = new String(lines.block(0, 300), StandardCharsets.UTF_8);
    String recut = new String(lines.block(0, 600), StandardCharsets.UTF_8);
    String file = "2049.4242.1f2e3d4c";
    long at = 4096; // where the client's checkpoint was in the file

    double writtenBefore = linesWritten(a) + linesWritten(b);
    HttpResponse<String> stored = http.send(request(a, "positions", "edge-positions", 5, first)
        .header(WireProtocol.HEADER_SPAN, span(file, at, first)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, stored.statusCode(), stored.body());
    assertEquals(300, new JsonObject(stored.body()).getLong("written"));
    // the client was killed before the reply came, restarted from its checkpoint and cut 600 lines from there
    HttpResponse<String> resent = http.send(request(b, "positions", "edge-positions", 5, recut)
        .header(WireProtocol.HEADER_SPAN, span(file, at, recut)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, resent.statusCode(), resent.body());
    assertEquals(300, new JsonObject(resent.body()).getLong("written"), "only the lines beyond what node a stored");
    // a range wholly stored: acknowledged, nothing written
    HttpResponse<String> inside = http.send(request(a, "positions", "edge-positions", 9, first)
        .header(WireProtocol.HEADER_SPAN, span(file, at, first)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(0, new JsonObject(inside.body()).getLong("written"), inside.body());
    // the same offsets of another file (an inode reused by a new file has another first line): written
    String other = new String(new TelegrafLikeLines("positions-02", 1_700_000_000_000_000_000L).block(0, 200),
        StandardCharsets.UTF_8);
    HttpResponse<String> newFile = http.send(request(b, "positions", "edge-positions", 10, other)
        .header(WireProtocol.HEADER_SPAN, span("2049.4242.99aa", at, other)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, new JsonObject(newFile.body()).getLong("written"), newFile.body());

    assertEquals(800, central.influxd.countPoints("positions"));
    assertEquals(800, linesWritten(a) + linesWritten(b) - writtenBefore, "no line written twice over both nodes");
  }

  private static String span(String file, long from, String body) {
    return new io.outflux.protocol.BatchSpan(io.outflux.protocol.BatchSpan.LIVE, file, from,
        from + body.getBytes(StandardCharsets.UTF_8).length, true).encode();
  }

  @Test
  @Order(2)
  void theFleetViewOfAnyNodeListsClientsConnectedToDifferentNodes() throws Exception {
    central.influxd.createDatabase("fleet");
    central.influxd.grant(Privilege.WRITE, "fleet", CentralInflux.WRITER);
    String line = "cpu,host=x usage=1 1700000000000000000\n";
    HttpResponse<String> onA = http.send(request(a, "fleet", "site-on-a", 1, line)
        .header(WireProtocol.HEADER_BACKLOG_BYTES, "12345").header(WireProtocol.HEADER_LAG_SECONDS, "2.5")
        .build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, onA.statusCode(), onA.body());
    assertEquals(200, post(b, "fleet", "site-on-b", 1, line).statusCode());

    for (ServerNode asked : new ServerNode[] {a, b}) {
      JsonObject view = get(asked, WireProtocol.CLIENTS_PATH);
      JsonObject onNodeA = find(view.getJsonArray("clients"), "site-on-a");
      JsonObject onNodeB = find(view.getJsonArray("clients"), "site-on-b");
      assertTrue(onNodeA.getString("node").endsWith(":" + a.httpPort), view.encodePrettily());
      assertTrue(onNodeB.getString("node").endsWith(":" + b.httpPort), view.encodePrettily());
      assertNotEquals(onNodeA.getString("node"), onNodeB.getString("node"));
      assertEquals(12345L, onNodeA.getLong("backlogBytes"));
      assertEquals(2.5, onNodeA.getDouble("lagSeconds"));
      assertTrue(onNodeA.getString("lastSeen").startsWith("20"), view.encodePrettily());
    }
  }

  @Test
  @Order(3)
  void aFlushAskedOnOneNodeReachesEveryNode() throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(a.url() + WireProtocol.FLUSH_PATH)).header("Authorization", OPERATOR)
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    JsonObject reply = new JsonObject(r.body());
    assertEquals(2, reply.getInteger("nodesAnswered"), reply.encodePrettily());
    assertEquals(2, reply.getInteger("nodesInCluster"), reply.encodePrettily());
    assertTrue(reply.containsKey("clientsAsked"), reply.encodePrettily());
    long bothLogged = Await.value(() -> (a.logText().contains("cluster-wide flush: asked")
        && b.logText().contains("cluster-wide flush: asked")) ? 1 : 0, 1, Duration.ofSeconds(5));
    assertEquals(1, bothLogged, "each node handled the flush");
  }

  @Test
  @Order(4)
  void whenTheNodeAClientTalksToIsKilledTheClientFailsOverAndEveryPointArrives() throws Exception {
    central.influxd.createDatabase("failover");
    central.influxd.grant(Privilege.WRITE, "failover", CentralInflux.WRITER);
    Vertx vertx = Vertx.vertx();
    try {
      Path spool = dir.resolve("failover.lp");
      JsonObject config = new JsonObject()
          .put("clientId", "edge-failover")
          .put("servers", new JsonArray().add(a.url()).add(b.url()))
          .put("influx", new JsonObject().put("username", CentralInflux.WRITER)
              .put("password", CentralInflux.WRITER_PASSWORD).put("database", "failover"))
          .put("spool", new JsonObject().put("path", spool.toString()).put("pollInterval", "20ms"))
          .put("sync", new JsonObject().put("rule", "interval").put("interval", "100ms").put("maxBatchLines", 500))
          .put("transport", new JsonObject().put("retryInitialDelay", "50ms").put("retryMaxDelay", "500ms")
              .put("requestTimeout", "3s"));
      vertx.deployVerticle(new ClientVerticle(), new DeploymentOptions().setConfig(config))
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);

      TelegrafLikeLines lines = new TelegrafLikeLines("failover-01", 1_700_000_000_000_000_000L);
      int total = 30_000;
      int step = 1_000;
      double writtenBefore = linesWritten(a) + linesWritten(b);
      double writtenByA = 0;
      for (int written = 0; written < total; written += step) {
        Files.write(spool, lines.block(written, written + step), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        if (written == total / 3) {
          writtenByA = linesWritten(a); // at most a few batches short of what a wrote before its death
          a.kill9();
        }
        Thread.sleep(100); // Telegraf's pace: the kill hits the client mid-stream
      }
      assertTrue(!a.isAlive(), "node a was killed");
      long stored = Await.value(() -> central.influxd.countPoints("failover"), total, Duration.ofSeconds(60));
      assertEquals(total, stored, "every point arrived:\n" + b.logText());
      await("nothing more arrives later").during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10))
          .until(() -> central.influxd.countPoints("failover") == total);
      // written twice, an overwrite InfluxDB hides: only batches a wrote but had not yet put in the ack
      // ledger when it died (AckLedger), at most the client's in-flight window of batches of 500 lines
      double twice = writtenByA - writtenBefore + linesWritten(b) - total;
      assertTrue(twice <= SyncConfig.DEFAULT_MAX_IN_FLIGHT * 500, twice + " lines written twice over both nodes: more than was in flight at the kill");
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static ServerNode a2;

  /**
   * SIGTERM to the node two clients (one HTTP, one streaming) talk to, while they sync: it finishes
   * what it received, closes the streams, leaves the cluster through Hazelcast's graceful shutdown;
   * the clients go on with the other node and every point arrives.
   */
  @Test
  @Order(5)
  void aNodeStoppedWithSigtermDrainsLeavesTheClusterAndLosesNothingAndWritesNothingTwice() throws Exception {
    if (a.isAlive()) {
      a.kill9(); // frees member port 0 when this test runs alone
    }
    a2 = ServerNode.start("node-a2", cluster, 0, central.influxd.url(), dir);
    a2.awaitHealthy(Duration.ofSeconds(60));
    assertEquals(2, Await.value(() -> members(b), 2, Duration.ofSeconds(30)), "node a2 joined:\n" + a2.logText());
    String metrics = text(a2, WireProtocol.METRICS_PATH);
    assertTrue(metrics.contains("outflux_server_cluster_members 2.0"), metrics);
    assertTrue(metrics.contains("vertx_http_server_active_connections"), "Vert.x's own meters are served too");
    assertTrue(metrics.contains("jvm_memory_used_bytes"), "and the JVM's");
    JsonObject ready = get(a2, WireProtocol.READY_PATH);
    assertEquals("joined", ready.getString("cluster"), ready.encode());
    assertEquals(2, ready.getInteger("members"), ready.encode());

    // one Vert.x per client: the client's event-bus addresses are per instance
    List<Vertx> edges = new ArrayList<>();
    Thread stopper = null;
    try {
      int total = 20_000;
      int step = 500;
      String[] rules = {"interval", "streaming"};
      Path[] spools = new Path[rules.length];
      for (int i = 0; i < rules.length; i++) {
        String db = "drain_" + rules[i];
        central.influxd.createDatabase(db);
        central.influxd.grant(Privilege.WRITE, db, CentralInflux.WRITER);
        spools[i] = dir.resolve(db + ".lp");
        JsonObject config = new JsonObject()
            .put("clientId", "edge-" + db)
            .put("servers", new JsonArray().add(a2.url()).add(b.url()))
            .put("influx", new JsonObject().put("username", CentralInflux.WRITER)
                .put("password", CentralInflux.WRITER_PASSWORD).put("database", db))
            .put("spool", new JsonObject().put("path", spools[i].toString()).put("pollInterval", "20ms"))
            .put("sync", new JsonObject().put("rule", rules[i]).put("interval", "100ms").put("maxBatchLines", 500))
            .put("transport", new JsonObject().put("retryInitialDelay", "50ms").put("retryMaxDelay", "500ms")
                .put("requestTimeout", "3s"));
        Vertx vertx = Vertx.vertx();
        edges.add(vertx);
        vertx.deployVerticle(new ClientVerticle(), new DeploymentOptions().setConfig(config))
            .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
      TelegrafLikeLines lines = new TelegrafLikeLines("drain-01", 1_700_000_000_000_000_000L);
      double writtenByBBefore = linesWritten(b);
      for (int written = 0; written < total; written += step) {
        for (Path spool : spools) {
          Files.write(spool, lines.block(written, written + step), StandardOpenOption.CREATE,
              StandardOpenOption.APPEND);
        }
        if (written == total / 4) {
          stopper = new Thread(a2::close, "sigterm-a2"); // SIGTERM, waits for the exit
          stopper.start();
        }
        Thread.sleep(50); // Telegraf's pace: the SIGTERM comes mid-stream
      }
      stopper.join(60_000);
      assertTrue(!a2.isAlive(), "node a2 exited after SIGTERM");
      String log = a2.logText();
      assertTrue(log.contains("outflux: stopping: in-flight batches finished"), log);
      assertTrue(log.contains("is SHUTDOWN"), "Hazelcast shut down gracefully (left the cluster):\n" + log);
      assertEquals(1, Await.value(() -> members(b), 1, Duration.ofSeconds(10)), "node b sees one member");
      assertEquals(1, get(b, WireProtocol.READY_PATH).getInteger("members"), "and is ready with it");
      for (String rule : rules) {
        long stored = Await.value(() -> central.influxd.countPoints("drain_" + rule), total, Duration.ofSeconds(60));
        assertEquals(total, stored, rule + ": every point arrived:\n" + b.logText());
      }
      // InfluxDB overwrites a point written twice silently: the nodes' own counts show it
      java.util.regex.Matcher stopped = java.util.regex.Pattern.compile("server stopped \\((\\d+) lines written")
          .matcher(log);
      assertTrue(stopped.find(), "node a2 logs what it wrote:\n" + log);
      long writtenByA2 = Long.parseLong(stopped.group(1)); // a2 started for this test
      double written = writtenByA2 + linesWritten(b) - writtenByBBefore;
      System.out.println("ClusterIT drain: " + (written - rules.length * total) + " of " + rules.length * total
          + " lines written twice over both nodes");
      // the drain answers every batch it finished; a batch cut by the stream's close may come again, but
      // both rules name their batches by spool position (wire version 2), so node b writes only what a2 did
      // not record as stored: at most 0.1% twice (measured: 0)
      assertTrue(written >= rules.length * total, written + " lines written for " + rules.length * total);
      assertTrue(written - rules.length * total <= rules.length * total / 1000.0,
          (written - rules.length * total) + " lines written twice over both nodes: more than 0.1% of "
              + rules.length * total);
    } finally {
      for (Vertx vertx : edges) {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    }
  }

  /** The node's {@code outflux_server_lines_written_total}: lines it had InfluxDB store since it started. */
  private static double linesWritten(ServerNode node) throws Exception {
    for (String line : text(node, WireProtocol.METRICS_PATH).split("\n")) {
      if (line.startsWith("outflux_server_lines_written_total")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1).trim());
      }
    }
    throw new AssertionError("no outflux_server_lines_written_total on " + node.url());
  }

  private static long members(ServerNode node) {
    try {
      for (String line : text(node, WireProtocol.METRICS_PATH).split("\n")) {
        if (line.startsWith("outflux_server_cluster_members ")) {
          return (long) Double.parseDouble(line.substring(line.indexOf(' ') + 1).trim());
        }
      }
    } catch (Exception e) {
      // not up yet
    }
    return -1;
  }

  private static String text(ServerNode node, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(node.url() + path)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  private static JsonObject flushReply(ServerNode node) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(node.url() + WireProtocol.FLUSH_PATH)).header("Authorization", OPERATOR)
          .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? new JsonObject(r.body()) : new JsonObject();
    } catch (Exception e) {
      return new JsonObject();
    }
  }

  private static JsonObject find(JsonArray clients, String id) {
    for (int i = 0; i < clients.size(); i++) {
      if (id.equals(clients.getJsonObject(i).getString("clientId"))) {
        return clients.getJsonObject(i);
      }
    }
    throw new AssertionError(id + " not in the fleet view " + clients.encodePrettily());
  }

  private static JsonObject get(ServerNode node, String path) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(node.url() + path))
            .header("Authorization", OPERATOR).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body());
  }

  private static HttpResponse<String> post(ServerNode node, String db, String clientId, long seq, String body)
      throws Exception {
    return http.send(request(node, db, clientId, seq, body).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest.Builder request(ServerNode node, String db, String clientId, long seq, String body) {
    String basic = Base64.getEncoder().encodeToString(
        (CentralInflux.WRITER + ":" + CentralInflux.WRITER_PASSWORD).getBytes(StandardCharsets.UTF_8));
    return HttpRequest.newBuilder(URI.create(node.url() + WireProtocol.BATCHES_PATH + "?db=" + db))
        .header("Authorization", "Basic " + basic)
        .header(WireProtocol.HEADER_CLIENT_ID, clientId)
        .header(WireProtocol.HEADER_SEQ, Long.toString(seq))
        .POST(HttpRequest.BodyPublishers.ofString(body));
  }
}
