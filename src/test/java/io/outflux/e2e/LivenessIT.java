package io.outflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.demo.ChildJvm;
import io.outflux.influxd.FreePorts;
import io.outflux.testing.Await;
import io.outflux.testing.CentralInflux;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server that stops answering (SIGSTOP: its kernel still accepts TCP connections and ACKs bytes,
 * nothing answers) is left within seconds: the client's next batch is acknowledged by the other
 * server in its list within 10 s, with the default transport.stallTimeout. Two independent server
 * JVMs, client JVMs from the jar, a real influxd, exact counts.
 */
@Tag("slow")
class LivenessIT {

  @RegisterExtension
  static final CentralInflux central = CentralInflux.perTestClass();
  @TempDir
  static Path dir;
  private static final Path JAR = Path.of(System.getProperty("outflux.jar", "target/outflux.jar"));
  private static ChildJvm first;
  private static ChildJvm second;
  private static int firstPort;
  private static int secondPort;

  @BeforeAll
  static void startServers() throws Exception {
    firstPort = FreePorts.next();
    secondPort = FreePorts.next();
    first = server("first", firstPort);
    second = server("second", secondPort);
    first.awaitHttp("http://127.0.0.1:" + firstPort + "/health", Duration.ofSeconds(60));
    second.awaitHttp("http://127.0.0.1:" + secondPort + "/health", Duration.ofSeconds(60));
  }

  @AfterAll
  static void stopServers() throws Exception {
    signal(first, "CONT");
    first.close();
    second.close();
  }

  private static ChildJvm server(String name, int port) throws Exception {
    Path conf = Files.writeString(dir.resolve(name + ".json"), new JsonObject()
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", port))
        .put("influx", new JsonObject().put("url", central.influxd.url())).encode());
    return ChildJvm.start(name, JAR, dir.resolve(name + ".log"), "server", "-conf", conf.toString());
  }

  private static void signal(ChildJvm jvm, String sig) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + sig, Long.toString(jvm.pid())).inheritIO().start();
    assertEquals(0, kill.waitFor());
  }

  @Test
  void anHttpIntervalClientLeavesAFrozenServerWithinTenSecondsAndComesBackLater(@TempDir Path spoolDir)
      throws Exception {
    run("liveness_http", "interval", spoolDir);
  }

  @Test
  void aStreamingClientLeavesAFrozenServerWithinTenSecondsAndComesBackLater(@TempDir Path spoolDir)
      throws Exception {
    run("liveness_stream", "streaming", spoolDir);
  }

  private void run(String db, String rule, Path spoolDir) throws Exception {
    Edge edge = new Edge(central, db, spoolDir);
    JsonObject config = edge.clientConfig(rule, firstPort, secondPort);
    config.getJsonObject("sync").put("interval", "200ms");
    config.getJsonObject("transport").put("failbackAfter", "5s"); // stallTimeout: the default
    Path conf = Files.writeString(spoolDir.resolve("client.json"), config.encodePrettily());
    Path log = spoolDir.resolve("client.log");
    try (ChildJvm client = ChildJvm.start("client", JAR, log, "client", "-conf", conf.toString())) {
      edge.append(1_000);
      assertEquals(1_000, Await.value(edge::count, 1_000, Duration.ofSeconds(60)), "via the first server");
      signal(first, "STOP");
      try {
        edge.append(500);
        long start = System.nanoTime();
        assertEquals(1_500, Await.value(edge::count, 1_500, Duration.ofSeconds(10)),
            "the batch after the freeze is acknowledged by the second server within 10 s:\n" + Files.readString(log));
        System.out.printf("%s: acknowledged by the second server %d ms after the freeze%n", rule,
            (System.nanoTime() - start) / 1_000_000);
        assertTrue(Files.readString(log).contains("stopped answering"), Files.readString(log));
      } finally {
        signal(first, "CONT");
      }
      // transport.failbackAfter (5 s) later, the first server takes batches again
      edge.append(300);
      assertEquals(1_800, Await.value(edge::count, 1_800, Duration.ofSeconds(30)));
      Await.until(() -> {
        edge.append(10);
        return Files.readString(log);
      }, text -> text.contains("trying the first server http://127.0.0.1:" + firstPort), Duration.ofSeconds(30));
      long total = edge.written();
      assertEquals(total, Await.value(edge::count, total, Duration.ofSeconds(30)), "exact count after the failback");
      edge.nothingSentFor(total, Duration.ofSeconds(2), "no duplicates or extra points");
    }
  }
}
