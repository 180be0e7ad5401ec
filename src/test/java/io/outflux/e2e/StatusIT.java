package io.outflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.influxd.FreePorts;
import io.outflux.server.ServerVerticle;
import io.outflux.testing.Await;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /status}, {@code GET /ready} and {@code outflux status} against a real client, server and influxd. */
class StatusIT extends CentralTestBase {

  @Test
  void afterAKnownSyncTheStatusCommandShowsItInWordsAndInJson(Vertx vertx, @TempDir Path dir) throws Exception {
    Edge edge = new Edge(central, "status_sync", dir);
    ServerVerticle server = Edge.deployServer(vertx, central, 0);
    int adminPort = FreePorts.next();
    JsonObject config = edge.clientConfig("interval", server.actualPort());
    config.getJsonObject("sync").put("interval", "100ms");
    config.getJsonObject("admin").put("port", adminPort);
    Path conf = Files.writeString(dir.resolve("client.json"), config.encodePrettily());
    Edge.deployClient(vertx, config);

    // nothing sent yet: ready because the server answers its /health probe
    Map.Entry<Integer, JsonObject> idle = Edge.admin(adminPort, "/ready");
    assertEquals(200, idle.getKey(), idle.getValue().encode());

    edge.append(1_000);
    Files.writeString(edge.spool, "not line protocol at all\n", StandardOpenOption.APPEND);
    edge.append(500);
    assertEquals(1_500, Await.value(edge::count, 1_500, Duration.ofSeconds(30)));
    assertEquals(0, Await.value(() -> backlogLines(adminPort), 0, Duration.ofSeconds(10)), "the backlog drained");

    Edge.Cli human = Edge.cli("status", "--conf", conf.toString());
    assertEquals(0, human.exit(), human.out());
    String out = human.out();
    assertTrue(out.startsWith("client      edge-status_sync  (ready)\n"), out);
    assertTrue(out.contains("\nrule        interval every 0.1 s (batches up to 10,000 lines / 4.0 MiB, "
        + io.outflux.batch.SyncConfig.DEFAULT_MAX_IN_FLIGHT + " in flight)\n"), out);
    assertTrue(out.contains("\nserver      http://127.0.0.1:" + server.actualPort() + "  connected, last answer "), out);
    assertTrue(out.contains("\nbacklog     0 lines (0 B), lag 0.0 s\n"), out);
    assertTrue(out.contains("\nlines       read 1,500, acknowledged 1,500 ("), out);
    assertTrue(out.contains("\ndead letter 1 records in " + edge.spool + ".deadletter (1 since the client started)\n"), out);
    assertTrue(out.contains("\nlink        not metered\n"), out);
    assertTrue(out.endsWith("\nready       yes\n"), out);

    Edge.Cli json = Edge.cli("status", "--conf", conf.toString(), "--json");
    assertEquals(0, json.exit(), json.out());
    JsonObject s = new JsonObject(json.out());
    assertEquals("edge-status_sync", s.getString("clientId"));
    assertEquals("connected", s.getString("connection"));
    assertEquals("interval", s.getJsonObject("sync").getString("rule"));
    assertEquals(1_500, s.getJsonObject("lines").getLong("acked"));
    assertEquals(Files.size(edge.spool) - "not line protocol at all\n".length(), s.getJsonObject("lines").getLong("bytesAcked"));
    assertEquals(0, s.getJsonObject("backlog").getLong("lines"));
    assertEquals(1, s.getJsonObject("deadLetter").getLong("records"));
    assertTrue(s.getJsonObject("lastAck").getDouble("secondsAgo") < 30, s.encode());
    assertTrue(s.getJsonObject("ready").getBoolean("ready"), s.encode());
    assertEquals(1_500, edge.count(), "still exactly the lines written");
  }

  @Test
  void withTheServerDownTheClientIsRetryingAndNotReady(Vertx vertx, @TempDir Path dir) throws Exception {
    Edge edge = new Edge(central, "status_down", dir);
    int adminPort = FreePorts.next();
    int deadServer = FreePorts.next();
    JsonObject config = edge.clientConfig("interval", deadServer);
    config.getJsonObject("sync").put("interval", "100ms");
    config.getJsonObject("admin").put("port", adminPort);
    Path conf = Files.writeString(dir.resolve("client.json"), config.encodePrettily());
    Edge.deployClient(vertx, config);
    edge.append(200);

    assertEquals(1, Await.value(() -> retrying(adminPort) ? 1 : 0, 1, Duration.ofSeconds(20)), "the transport retries");
    Map.Entry<Integer, JsonObject> ready = Edge.admin(adminPort, "/ready");
    assertEquals(503, ready.getKey());
    assertTrue(ready.getValue().getJsonArray("reasons").getString(0).contains("is not accepting batches (retrying)"),
        ready.getValue().encode());

    Edge.Cli human = Edge.cli("status", "--conf", conf.toString());
    assertEquals(1, human.exit(), human.out());
    assertTrue(human.out().startsWith("client      edge-status_down  (NOT READY)\n"), human.out());
    assertTrue(human.out().contains("\nserver      http://127.0.0.1:" + deadServer + "  retrying (last error: "), human.out());
    assertTrue(human.out().contains("\nbacklog     200 lines ("), human.out());
    assertTrue(human.out().contains("\nready       no: the server http://127.0.0.1:" + deadServer), human.out());
    assertEquals(0, edge.count());

    // the server comes up on that port: the lines follow and the client is ready again
    Edge.deployServer(vertx, central, deadServer);
    assertEquals(200, Await.value(edge::count, 200, Duration.ofSeconds(30)));
    assertEquals(200, Await.value(() -> readyCode(adminPort), 200, Duration.ofSeconds(10)));
  }

  @Test
  void withoutARunningClientTheCommandNamesTheAdminAddress(@TempDir Path dir) throws Exception {
    Edge edge = new Edge(central, "status_none", dir);
    int adminPort = FreePorts.next();
    JsonObject config = edge.clientConfig("interval", FreePorts.next());
    config.getJsonObject("admin").put("port", adminPort);
    Path conf = Files.writeString(dir.resolve("client.json"), config.encodePrettily());
    Edge.Cli cli = Edge.cli("status", "--conf", conf.toString());
    assertEquals(3, cli.exit(), cli.out());
    assertTrue(cli.out().contains("cannot reach the client's admin endpoint 127.0.0.1:" + adminPort), cli.out());
    assertTrue(cli.out().contains("is the client running"), cli.out());
  }

  private static long backlogLines(int adminPort) {
    try {
      return Edge.admin(adminPort, "/status").getValue().getJsonObject("backlog").getLong("lines");
    } catch (Exception e) {
      return -1;
    }
  }

  private static long readyCode(int adminPort) {
    try {
      return Edge.admin(adminPort, "/ready").getKey();
    } catch (Exception e) {
      return -1;
    }
  }

  private static boolean retrying(int adminPort) {
    try {
      return "retrying".equals(Edge.admin(adminPort, "/status").getValue().getString("connection"));
    } catch (Exception e) {
      return false;
    }
  }
}
