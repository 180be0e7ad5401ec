package io.outflux.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.client.ClientVerticle;
import io.outflux.influxd.FreePorts;
import io.outflux.protocol.WireProtocol;
import io.outflux.testing.Await;
import io.outflux.testing.CentralInflux;
import io.outflux.testing.LogCapture;
import io.outflux.testing.ServerNode;
import io.outflux.transport.ControlChannel;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flush reaches every client whatever its rule: two server node JVMs in a cluster, an HTTP client
 * with a 10-minute interval on node a and a streaming client on node b, both with their control
 * channel open. The example {@code io.outflux.examples.FlushPublisher}, run as its own JVM, joins
 * the cluster as a Hazelcast lite member and publishes on the flush address: the interval client's
 * lines arrive at once (only the flush explains it), both clients answer, and the counts in influxd
 * are exact. Then {@code POST /api/v1/flush} on node b reaches the interval client on node a.
 */
@Tag("slow")
class FlushEverywhereIT {

  @RegisterExtension
  static final CentralInflux central = CentralInflux.perTestClass();
  private static final String OPERATOR = "Basic " + Base64.getEncoder().encodeToString(
      (CentralInflux.ADMIN + ":" + CentralInflux.ADMIN_PASSWORD).getBytes(StandardCharsets.UTF_8));

  @Test
  void aFlushPublishedByALiteMemberReachesAnIntervalAndAStreamingClientOnDifferentNodes(@TempDir Path dir)
      throws Exception {
    ServerNode.Cluster cluster = ServerNode.Cluster.of(2);
    List<AutoCloseable> open = new ArrayList<>();
    // one Vert.x per client: a client's stages talk over node-local addresses of its Vert.x
    Vertx vertx = Vertx.vertx();
    Vertx vertx2 = Vertx.vertx();
    try (LogCapture control = new LogCapture(ControlChannel.class)) {
      ServerNode a = ServerNode.start("node-a", cluster, 0, central.influxd.url(), dir);
      open.add(a);
      ServerNode b = ServerNode.start("node-b", cluster, 1, central.influxd.url(), dir);
      open.add(b);
      a.awaitHealthy(Duration.ofSeconds(90));
      b.awaitHealthy(Duration.ofSeconds(90));
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      Await.until(() -> new JsonObject(http.send(HttpRequest.newBuilder(URI.create(a.url() + WireProtocol.READY_PATH))
          .build(), HttpResponse.BodyHandlers.ofString()).body()).getLong("members", 0L), m -> m == 2,
          Duration.ofSeconds(60));

      Files.createDirectories(dir.resolve("interval"));
      Files.createDirectories(dir.resolve("stream"));
      Edge interval = new Edge(central, "flush_interval", dir.resolve("interval"));
      Edge streaming = new Edge(central, "flush_stream", dir.resolve("stream"));
      JsonObject intervalConfig = interval.clientConfig("interval", a.httpPort);
      intervalConfig.getJsonObject("sync").put("interval", "10m");
      deploy(vertx, intervalConfig);
      deploy(vertx2, streaming.clientConfig("streaming", b.httpPort));
      await("both control channels are open").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
          .until(() -> control.messages().stream().filter(m -> m.startsWith("control channel open to")).count() == 2);

      interval.append(1_000);
      streaming.append(500);
      assertEquals(500, Await.value(streaming::count, 500, Duration.ofSeconds(20)), "the streaming client sends at once");
      await("the interval client holds its lines: its interval is 10 minutes").during(Duration.ofSeconds(3))
          .atMost(Duration.ofSeconds(10)).until(() -> interval.count() == 0);

      int guestPort = FreePorts.next();
      Path out = dir.resolve("publisher.out");
      Process publisher = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx192m", "-cp", ServerNode.jar().toString(), "io.outflux.examples.FlushPublisher",
          "--cluster-config", cluster.xmlForGuest(guestPort, dir).toString(), "--member-port", Integer.toString(guestPort),
          "--host", "127.0.0.1", "--timeout", "15s")
          .redirectErrorStream(true).redirectOutput(out.toFile()).start();
      open.add(publisher::destroyForcibly);
      assertTrue(publisher.waitFor(120, TimeUnit.SECONDS), "the publisher finished:\n" + Files.readString(out));
      String output = Files.readString(out);
      assertEquals(0, publisher.exitValue(), output);
      JsonObject summary = new JsonObject(output.lines().filter(l -> l.startsWith("{\"nodesInCluster\""))
          .reduce((x, y) -> y).orElseThrow(() -> new AssertionError("no summary line:\n" + output)));
      assertEquals(2, summary.getLong("nodesInCluster"), "the lite member is not counted as a node: " + summary);
      assertEquals(2, summary.getLong("nodesAnswered"), summary.encodePrettily());
      assertEquals(2, summary.getLong("clientsAsked"), summary.encodePrettily());
      assertEquals(2, summary.getLong("clientsAnswered"), summary.encodePrettily());
      assertEquals(1_000, summary.getLong("linesSent"), "the interval client sent its 1,000 lines, the streaming"
          + " client had nothing left: " + summary.encodePrettily());
      assertEquals(1_000, interval.count(), "answered means acknowledged: the lines are stored");
      assertEquals(500, streaming.count());

      // the operator's flush on the other node reaches the interval client through the cluster
      interval.append(200);
      streaming.append(100);
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(b.url() + WireProtocol.FLUSH_PATH))
          .header("Authorization", OPERATOR).timeout(Duration.ofSeconds(20))
          .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
      JsonObject reply = new JsonObject(r.body());
      assertEquals(2, reply.getLong("nodesAnswered"), reply.encodePrettily());
      assertEquals(2, reply.getLong("clientsAsked"), reply.encodePrettily());
      assertEquals(2, reply.getLong("clientsAnswered"), reply.encodePrettily());
      assertTrue(reply.getLong("linesSent") >= 200, reply.encodePrettily());
      assertEquals(1_200, Await.value(interval::count, 1_200, Duration.ofSeconds(5)));
      assertEquals(600, Await.value(streaming::count, 600, Duration.ofSeconds(5)));
      await("nothing more arrives").during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
          .until(() -> interval.count() == 1_200 && streaming.count() == 600);
    } catch (AssertionError | RuntimeException e) {
      for (AutoCloseable c : open) {
        if (c instanceof ServerNode n) {
          System.out.println("---- " + n.name + "\n" + n.logText());
        }
      }
      throw e;
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      vertx2.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      for (AutoCloseable c : open) {
        c.close();
      }
    }
  }

  private static void deploy(Vertx vertx, JsonObject config) throws Exception {
    vertx.deployVerticle(new ClientVerticle(), new DeploymentOptions().setConfig(config))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
