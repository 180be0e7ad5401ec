package io.outflux.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.demo.ChildJvm;
import io.outflux.demo.TelegrafLikeLines;
import io.outflux.influxd.FreePorts;
import io.outflux.testing.CentralInflux;
import io.outflux.testing.ClientFixture;
import io.outflux.testing.ServerFixture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM to a client JVM (a service stop): it flushes what it has read before it exits. */
@ExtendWith(VertxExtension.class)
class GracefulShutdownIT {

  @RegisterExtension
  static final CentralInflux central = CentralInflux.perTestClass();

  @Test
  void sigtermFlushesEverythingReadBeforeTheClientExits(Vertx vertx, @TempDir Path dir) throws Exception {
    int port = ServerFixture.deploy(vertx, central.influxd.url(), new JsonObject());
    Path spool = dir.resolve("metrics.lp");
    JsonObject config = ClientFixture.config("http://127.0.0.1:" + port, spool, CentralInflux.DB, CentralInflux.WRITER,
        CentralInflux.WRITER_PASSWORD);
    // an hour-long interval and batches larger than what is written: only the shutdown flush sends
    config.getJsonObject("sync").put("interval", "1h").put("maxBatchLines", 10_000);
    int adminPort = FreePorts.next();
    config.getJsonObject("admin").put("port", adminPort);
    Path conf = Files.writeString(dir.resolve("client.json"), config.encode());
    Path jar = Path.of(System.getProperty("outflux.jar", "target/outflux.jar"));
    ChildJvm client = ChildJvm.start("client", jar, dir.resolve("client.log"), "client", "-conf", conf.toString());
    try {
      client.awaitLog("Succeeded in deploying verticle", Duration.ofSeconds(60));
      Files.write(spool, new TelegrafLikeLines("term", 1_700_000_000_000_000_000L).block(0, 3000));
      // the tail reads them; the hour-long interval keeps them back
      await("the client reads the 3,000 lines").atMost(Duration.ofSeconds(30)).ignoreExceptions()
          .until(() -> Edge.admin(adminPort, "/status").getValue().getJsonObject("lines").getLong("read"), n -> n == 3000);
      await("nothing sent before the stop").during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
          .until(() -> central.count(CentralInflux.DB, "cpu") == 0);
    } finally {
      client.close(); // SIGTERM, then waits for the exit (also when an assertion above failed)
    }
    assertFalse(client.isAlive());
    assertEquals(1000, central.count(CentralInflux.DB, "cpu"), "the shutdown flush sent every line that was read");
    assertEquals(3000, central.count(CentralInflux.DB, "cpu") + central.count(CentralInflux.DB, "mem")
        + central.count(CentralInflux.DB, "disk"));
    String log = Files.readString(dir.resolve("client.log"));
    assertTrue(log.contains("stopping: flushed 3000 lines"), log);
  }
}
