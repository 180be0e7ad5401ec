package io.outflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.demo.ChildJvm;
import io.outflux.server.ServerVerticle;
import io.outflux.testing.Await;
import io.outflux.testing.RecordingProxy;
import io.outflux.testing.RecordingProxy.Request;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batch limits are caps, seen from outside: a client JVM from the jar sends its backlog through a
 * recording proxy to a real server and influxd; the proxy sees every batch's size.
 */
class BatchLimitsIT extends CentralTestBase {

  private static final Path JAR = Path.of(System.getProperty("outflux.jar", "target/outflux.jar"));

  @Test
  void noBatchExceedsMaxBatchLinesEvenWithLargeReadChunks(Vertx vertx, @TempDir Path dir) throws Exception {
    Edge edge = new Edge(central, "limits_lines", dir);
    ServerVerticle server = Edge.deployServer(vertx, central, 0);
    try (RecordingProxy proxy = RecordingProxy.start(vertx, server.actualPort())) {
      edge.append(20_000); // the backlog before the client starts: read in chunks of 5,000 lines
      JsonObject config = edge.clientConfig("interval", proxy.port());
      config.getJsonObject("sync").put("interval", "200ms").put("maxBatchLines", 100).put("sizeLines", 100);
      config.getJsonObject("spool").put("readChunkLines", 5_000).put("readChunkSize", "4MiB");
      try (ChildJvm client = startClient(dir, config)) {
        assertEquals(20_000, Await.value(edge::count, 20_000, Duration.ofSeconds(90)), client.log().toString());
      }
      List<Request> batches = proxy.requests();
      int largest = batches.stream().mapToInt(Request::lines).max().orElse(0);
      assertEquals(100, largest, "the largest batch holds sync.maxBatchLines lines");
      assertEquals(20_000, batches.stream().filter(r -> r.status() == 200).mapToInt(Request::lines).sum(),
          "every line sent once");
      assertEquals(200, batches.size());
    }
  }

  @Test
  void aBatchTheServerRefusesAsTooLargeIsSplitAndALineOverEveryLimitIsDeadLettered(Vertx vertx, @TempDir Path dir)
      throws Exception {
    Edge edge = new Edge(central, "limits_413", dir);
    ServerVerticle server = new ServerVerticle();
    Edge.deploy(vertx, server, new JsonObject()
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0).put("maxBodySize", "64KiB")
            .put("maxLineSize", "1MiB"))
        .put("influx", new JsonObject().put("url", central.influxd.url())));
    try (RecordingProxy proxy = RecordingProxy.start(vertx, server.actualPort())) {
      edge.append(5_000);
      String big = "big,host=x f=\"" + "x".repeat(100_000) + "\" 1700000000000000000\n";
      Files.writeString(edge.spool, big, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
      edge.append(5_000);
      JsonObject config = edge.clientConfig("interval", proxy.port());
      // the operator claims the servers take 256 KiB; this one takes 64 KiB: 413s, then splits
      config.getJsonObject("sync").put("interval", "200ms").put("maxBatchSize", "256KiB")
          .put("serverBodyLimit", "256KiB");
      try (ChildJvm client = startClient(dir, config)) {
        assertEquals(10_000, Await.value(edge::count, 10_000, Duration.ofSeconds(90)), client.log().toString());
        Path deadLetter = Path.of(edge.spool + ".deadletter");
        Await.until(() -> Files.exists(deadLetter) ? Files.readString(deadLetter) : "",
            text -> text.contains("too large for the server"), Duration.ofSeconds(30));
        String log = Files.readString(client.log());
        assertTrue(log.contains("is larger than the server accepts"), log);
      }
      List<Request> batches = proxy.requests();
      assertTrue(batches.stream().allMatch(r -> r.bytes() <= 256 * 1024 || r.lines() == 1),
          "no batch over sync.maxBatchSize");
      assertTrue(batches.stream().anyMatch(r -> r.status() == 413), "the server refused some as too large");
      assertTrue(batches.stream().filter(r -> r.status() == 200).allMatch(r -> r.bytes() <= 64 * 1024));
      assertEquals(10_000, batches.stream().filter(r -> r.status() == 200).mapToInt(Request::lines).sum(),
          "every valid line stored once, the big one never");
      long bigAttempts = batches.stream().filter(r -> r.lines() == 1 && r.bytes() > 100_000).count();
      assertEquals(1, bigAttempts, "the line over every limit was sent once alone, then dead-lettered");
    }
  }

  private static ChildJvm startClient(Path dir, JsonObject config) throws Exception {
    Path conf = Files.writeString(dir.resolve("client.json"), config.encodePrettily());
    return ChildJvm.start("client", JAR, dir.resolve("client.log"), "client", "-conf", conf.toString());
  }
}
