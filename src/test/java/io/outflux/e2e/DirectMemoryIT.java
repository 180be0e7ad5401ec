package io.outflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.outflux.demo.ChildJvm;
import io.outflux.demo.TelegrafLikeLines;
import io.outflux.testing.Await;
import io.outflux.testing.CentralInflux;
import io.outflux.testing.ClientFixture;
import io.outflux.testing.ProductJvm;
import io.outflux.testing.ServerFixture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Large spool reads in a client JVM with little direct memory. The JDK reads a file through a
 * temporary direct buffer of the read's size and by default keeps one per thread: 4 MiB reads on the
 * worker threads filled the client's direct memory, the next read failed inside the JDK's file
 * channel and never answered, and the tail waited forever with the backlog unsynced.
 */
@ExtendWith(VertxExtension.class)
class DirectMemoryIT {

  @RegisterExtension
  static final CentralInflux central = CentralInflux.perTestClass();

  @Test
  void aBacklogReadInChunksOf4MiBSyncsWithTheClientsJvmOptionsAndLittleDirectMemory(Vertx vertx, @TempDir Path dir)
      throws Exception {
    int port = ServerFixture.deploy(vertx, central.influxd.url(), new JsonObject());
    Path spool = dir.resolve("metrics.lp");
    // about 60 MB: 15 reads of 4 MiB, more than the 24 MiB of direct memory below could keep cached
    int lines = 400_000;
    try (OutputStream out = Files.newOutputStream(spool)) {
      TelegrafLikeLines gen = new TelegrafLikeLines("dm", 1_700_000_000_000_000_000L);
      for (int from = 0; from < lines; from += 50_000) {
        out.write(gen.block(from, from + 50_000));
      }
    }
    JsonObject config = ClientFixture.config("http://127.0.0.1:" + port, spool, CentralInflux.DB, CentralInflux.WRITER,
        CentralInflux.WRITER_PASSWORD);
    config.getJsonObject("spool").put("readChunkSize", "4MiB").put("readChunkLines", 20_000);
    config.getJsonObject("sync").put("maxBatchLines", 10_000);
    Path conf = Files.writeString(dir.resolve("client.json"), config.encode());
    Path jar = Path.of(System.getProperty("outflux.jar", "target/outflux.jar"));
    List<String> jvm = new ArrayList<>(ProductJvm.options("client"));
    jvm.add("-XX:MaxDirectMemorySize=24m"); // the later flag wins: less room than the product's 64 MiB
    try (ChildJvm client = ChildJvm.start("client", jar, dir.resolve("client.log"), jvm, "client", "-conf",
        conf.toString())) {
      long stored = Await.value(this::points, lines, Duration.ofSeconds(120));
      assertEquals(lines, stored, "every line of the backlog is in InfluxDB");
    }
    String log = Files.readString(dir.resolve("client.log"));
    assertFalse(log.contains("OutOfMemoryError"), "no read ran out of direct memory");
  }

  private long points() {
    return central.count(CentralInflux.DB, "cpu") + central.count(CentralInflux.DB, "mem")
        + central.count(CentralInflux.DB, "disk");
  }
}
