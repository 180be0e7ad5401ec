package io.outflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.demo.ChildJvm;
import io.outflux.testing.Await;
import io.outflux.testing.CentralInflux;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the client keeps its files, with a real client JVM: a checkpoint location on a read-only
 * file system stops the start with exit 2 and one line naming the key, the path and the reason; one
 * that turns read-only while the client runs makes /ready answer 503 with the reason and counts in
 * the metrics, logged once, and everything is synced and checkpointed once it is writable again.
 */
class SpoolPathsIT {

  @RegisterExtension
  static final CentralInflux central = CentralInflux.perTestClass();
  private static Vertx vertx;
  private static int serverPort;
  private static final Path JAR = Path.of(System.getProperty("outflux.jar", "target/outflux.jar"));

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    serverPort = Edge.deployServer(vertx, central, 0).actualPort();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void aCheckpointDirectoryOnAReadOnlyFileSystemStopsTheStartWithOneLineAndExit2(@TempDir Path dir) throws Exception {
    Edge edge = new Edge(central, "rostart", dir);
    Path state = Files.createDirectory(dir.resolve("state"));
    try (Tmpfs fs = Tmpfs.mount(state, 1 << 20)) {
      fs.readOnly(true);
      Path conf = conf(edge, dir, state.resolve("metrics.checkpoint"), Tmpfs.freePort());
      try (ChildJvm client = ChildJvm.start("client", JAR, dir.resolve("client.log"), "client", "-conf",
          conf.toString())) {
        assertEquals(2, client.awaitExit(Duration.ofSeconds(60)));
        String log = Files.readString(client.log());
        String line = log.lines().filter(l -> l.contains("spool.checkpoint")).findFirst()
            .orElseThrow(() -> new AssertionError(log));
        assertTrue(line.contains(state.toString()) && line.contains("read-only file system"), line);
        assertFalse(log.contains("\tat "), "no stack trace: " + log);
      }
    }
  }

  @Test
  void aCheckpointDirectoryThatTurnsReadOnlyMakesReady503AndCountsUntilItIsWritableAgain(@TempDir Path dir)
      throws Exception {
    Edge edge = new Edge(central, "roruntime", dir);
    Path state = Files.createDirectory(dir.resolve("state"));
    int adminPort = Tmpfs.freePort();
    try (Tmpfs fs = Tmpfs.mount(state, 1 << 20)) {
      Path conf = conf(edge, dir, state.resolve("metrics.checkpoint"), adminPort);
      edge.append(10_000);
      try (ChildJvm client = ChildJvm.start("client", JAR, dir.resolve("client.log"), "client", "-conf",
          conf.toString())) {
        assertEquals(10_000, Await.value(edge::count, 10_000, Duration.ofSeconds(90)));
        Await.until(() -> Edge.admin(adminPort, "/ready").getKey(), code -> code == 200, Duration.ofSeconds(30));
        fs.readOnly(true);
        edge.append(5_000); // acknowledged, but the checkpoint cannot follow
        assertEquals(15_000, Await.value(edge::count, 15_000, Duration.ofSeconds(60)));
        var ready = Await.until(() -> Edge.admin(adminPort, "/ready"), r -> r.getKey() == 503, Duration.ofSeconds(30));
        assertTrue(ready.getValue().encode().contains("checkpoints cannot be written")
            && ready.getValue().encode().contains("Read-only file system"), ready.getValue().encode());
        Edge.Cli status = Edge.cli("status", "-c", conf.toString());
        assertEquals(1, status.exit(), status.out());
        assertTrue(status.out().contains("checkpoints cannot be written"), status.out());
        String metrics = Await.until(() -> metrics(adminPort), m -> failures(m) >= 3, Duration.ofSeconds(30));
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("outflux_client_checkpoint_failing{") && l.endsWith(" 1.0")),
            metrics);
        assertEquals(1, Files.readString(client.log()).lines().filter(l -> l.contains("could not write checkpoint"))
            .count(), "logged once, not once a second");

        fs.readOnly(false);
        Await.until(() -> Edge.admin(adminPort, "/ready").getKey(), code -> code == 200, Duration.ofSeconds(30));
        client.awaitLog("written again after", Duration.ofSeconds(10));
        long size = Files.size(edge.spool);
        assertEquals(size, Await.value(() -> new io.outflux.spool.CheckpointStore(state.resolve("metrics.checkpoint"))
            .load().synced().offset(), size, Duration.ofSeconds(30)));
      }
    }
  }

  private static String metrics(int adminPort) throws Exception {
    return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create("http://127.0.0.1:" + adminPort + "/metrics")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
  }

  private static double failures(String metrics) {
    return metrics.lines().filter(l -> l.startsWith("outflux_client_checkpoint_write_failures"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  private static Path conf(Edge edge, Path dir, Path checkpoint, int adminPort) throws Exception {
    JsonObject config = edge.clientConfig("interval", serverPort);
    config.getJsonObject("sync").put("interval", "200ms");
    config.getJsonObject("spool").put("checkpoint", checkpoint.toString());
    config.put("admin", new JsonObject().put("port", adminPort));
    return Files.writeString(dir.resolve("client.json"), config.encodePrettily());
  }
}
