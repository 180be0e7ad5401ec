package io.outflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.admin.AdminToken;
import io.outflux.batch.FlushRequest;
import io.outflux.client.ClientBus;
import io.outflux.client.ClientVerticle;
import io.outflux.influxd.FreePorts;
import io.outflux.server.ServerVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On-demand flush from the event bus, the admin endpoint and the CLI. The rule is an interval of an
 * hour (or a size never reached), so only the flush can have sent the lines; they are appended just
 * before the flush with a slow tail, so the flush must also cover lines the tail had not read yet.
 */
class FlushIT extends CentralTestBase {

  @Test
  void flushOnTheEventBusAnswersOnceEveryLineIsInInfluxDb(Vertx vertx, @TempDir Path dir) throws Exception {
    Edge edge = new Edge(central, "flush_bus", dir);
    ServerVerticle server = Edge.deployServer(vertx, central, 0);
    Edge.deployClient(vertx, hourly(edge, server, "interval"));
    edge.append(700);
    JsonObject reply = flushOnBus(vertx);
    assertEquals(700, edge.count(), "every appended line is in InfluxDB when the flush answers");
    assertEquals(700, reply.getLong(FlushRequest.LINES), reply.encode());
    assertEquals(Files.size(edge.spool), reply.getLong(FlushRequest.OFFSET));

    edge.append(5);
    assertEquals(5, flushOnBus(vertx).getLong(FlushRequest.LINES));
    assertEquals(705, edge.count());
    assertEquals(0, flushOnBus(vertx).getLong(FlushRequest.LINES), "nothing left: an immediate answer");
  }

  @Test
  void flushWorksWithTheStreamingAndSizeRulesToo(Vertx vertx, @TempDir Path dir) throws Exception {
    Edge edge = new Edge(central, "flush_size", dir);
    ServerVerticle server = Edge.deployServer(vertx, central, 0);
    JsonObject config = hourly(edge, server, "size");
    config.getJsonObject("sync").put("sizeLines", 1_000_000).put("maxBatchLines", 1_000_000);
    Edge.deployClient(vertx, config);
    edge.append(333);
    flushOnBus(vertx);
    assertEquals(333, edge.count());

    Edge streamed = new Edge(central, "flush_stream", dir.resolve("s"));
    Files.createDirectories(dir.resolve("s"));
    Vertx other = Vertx.vertx();
    try {
      Edge.deployClient(other, hourly(streamed, server, "streaming"));
      streamed.append(250);
      flushOnBus(other);
      assertEquals(250, streamed.count());
    } finally {
      other.close().toCompletionStage().toCompletableFuture().get();
    }
  }

  @Test
  void postFlushOnTheAdminEndpointAnswersOnceEveryLineIsInInfluxDb(Vertx vertx, @TempDir Path dir) throws Exception {
    Edge edge = new Edge(central, "flush_http", dir);
    ServerVerticle server = Edge.deployServer(vertx, central, 0);
    JsonObject config = hourly(edge, server, "interval");
    config.getJsonObject("transport").put("gzip", true);
    ClientVerticle client = Edge.deployClient(vertx, config);
    edge.append(1_234);
    HttpResponse<String> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + client.adminPort() + "/flush?timeout=20s"))
            .header(AdminToken.HEADER, AdminToken.read(AdminToken.pathFor(Path.of(edge.spool + ".checkpoint"))))
            .POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), response.body());
    assertEquals(1_234, edge.count());
    assertEquals(1_234, new JsonObject(response.body()).getLong("lines"));
  }

  @Test
  void theFlushCommandExitsZeroOnceEveryLineIsInInfluxDb(Vertx vertx, @TempDir Path dir) throws Exception {
    Edge edge = new Edge(central, "flush_cli", dir);
    ServerVerticle server = Edge.deployServer(vertx, central, 0);
    int adminPort = FreePorts.next();
    JsonObject config = hourly(edge, server, "interval");
    config.getJsonObject("admin").put("port", adminPort);
    Edge.deployClient(vertx, config);
    Path conf = Files.writeString(dir.resolve("client.json"), config.encodePrettily());
    edge.append(2_000);

    Process flush = cli(conf, "20s");
    String out = new String(flush.getInputStream().readAllBytes());
    assertTrue(flush.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, flush.exitValue(), out);
    assertTrue(out.contains("flushed: 2000 lines"), out);
    assertEquals(2_000, edge.count());
  }

  @Test
  void theFlushCommandFailsWithTheReasonWhenTheServerIsDown(Vertx vertx, @TempDir Path dir) throws Exception {
    Edge edge = new Edge(central, "flush_cli_down", dir);
    int adminPort = FreePorts.next();
    JsonObject config = edge.clientConfig("interval", FreePorts.next());
    config.getJsonObject("sync").put("interval", "1h");
    config.getJsonObject("admin").put("port", adminPort);
    Edge.deployClient(vertx, config);
    Path conf = Files.writeString(dir.resolve("client.json"), config.encodePrettily());
    edge.append(10);

    Process flush = cli(conf, "2s");
    String out = new String(flush.getInputStream().readAllBytes());
    assertTrue(flush.waitFor(60, TimeUnit.SECONDS));
    assertEquals(1, flush.exitValue(), out);
    assertTrue(out.contains("not flushed") && out.contains("Connection refused"), out);

    Path noClient = Files.writeString(dir.resolve("none.json"),
        config.copy().put("admin", new JsonObject().put("port", FreePorts.next())).encodePrettily());
    Process unreachable = cli(noClient, "2s");
    String msg = new String(unreachable.getInputStream().readAllBytes());
    assertTrue(unreachable.waitFor(60, TimeUnit.SECONDS));
    assertEquals(3, unreachable.exitValue(), msg);
    assertTrue(msg.contains("is the client running"), msg);
  }

  @Test
  void aFlushFailsAtOnceWithTheReasonWhenTheCredentialsAreRefused(Vertx vertx, @TempDir Path dir) throws Exception {
    Edge edge = new Edge(central, "flush_denied", dir);
    ServerVerticle server = Edge.deployServer(vertx, central, 0);
    JsonObject config = hourly(edge, server, "interval");
    config.getJsonObject("influx").put("password", "wrong");
    Edge.deployClient(vertx, config);
    edge.append(10);
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () -> flushOnBus(vertx));
    ReplyException reply = (ReplyException) e.getCause();
    assertEquals(FlushRequest.FAILED_BLOCKED, reply.failureCode());
    assertTrue(reply.getMessage().contains("refused the InfluxDB credentials of user edge"), reply.getMessage());
    assertTrue(!reply.getMessage().contains("wrong"), "the password is never shown");
    assertEquals(0, edge.count());
  }

  /**
   * After the grant is fixed centrally, a flush tries the refused credentials at once instead of
   * after transport.authRetryInterval (5 min by default): the client resumes without waiting.
   */
  @Test
  void aFlushRetriesRefusedCredentialsAtOnceSoAFixedGrantNeedsNoWait(Vertx vertx, @TempDir Path dir) throws Exception {
    Edge edge = new Edge(central, "flush_regrant", dir);
    central.influxd.createUser("flush_late", "late-pw", false); // no WRITE on the database yet: 403
    ServerVerticle server = Edge.deployServer(vertx, central, 0);
    JsonObject config = edge.clientConfig("interval", server.actualPort());
    config.getJsonObject("influx").put("username", "flush_late").put("password", "late-pw");
    config.getJsonObject("sync").put("interval", "200ms");
    ClientVerticle client = Edge.deployClient(vertx, config);
    edge.append(500);
    io.outflux.testing.Await.until(() -> Edge.admin(client.adminPort(), "/status").getValue(),
        s -> "auth_refused".equals(s.getString("connection")), Duration.ofSeconds(30));

    central.influxd.grant(io.outflux.influxd.Privilege.WRITE, "flush_regrant", "flush_late");
    long started = System.nanoTime();
    var flushed = edge.postAdmin(client.adminPort(), "/flush?timeout=30s");
    assertEquals(200, flushed.getKey(), flushed.getValue().encode());
    assertEquals(500, edge.count());
    assertTrue(System.nanoTime() - started < Duration.ofSeconds(60).toNanos(), "well before authRetryInterval (5 min)");
  }

  private static JsonObject hourly(Edge edge, ServerVerticle server, String rule) {
    JsonObject config = edge.clientConfig(rule, server.actualPort());
    config.getJsonObject("sync").put("interval", "1h");
    // a tail that would look only once a minute: the flush must make it read the new lines now
    config.getJsonObject("spool").put("pollInterval", "1m");
    return config;
  }

  private static JsonObject flushOnBus(Vertx vertx) throws Exception {
    return vertx.eventBus().<JsonObject>request(ClientBus.FLUSH, FlushRequest.of(Duration.ofSeconds(20)),
            new DeliveryOptions().setSendTimeout(30_000))
        .toCompletionStage().toCompletableFuture().get(40, TimeUnit.SECONDS).body();
  }

  private static Process cli(Path conf, String timeout) throws Exception {
    String jar = System.getProperty("outflux.jar", "target/outflux.jar");
    ProcessBuilder pb = new ProcessBuilder(List.of("bin/outflux", "flush", "--conf", conf.toString(), "--timeout", timeout))
        .redirectErrorStream(true);
    pb.environment().put("OUTFLUX_JAR", jar);
    pb.environment().put("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
    return pb.start();
  }
}
