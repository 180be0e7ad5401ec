package io.outflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.demo.ChildJvm;
import io.outflux.demo.TelegrafLikeLines;
import io.outflux.influxd.Privilege;
import io.outflux.testing.Await;
import io.outflux.testing.CentralInflux;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk at the edge, for real: the spool and the checkpoint on a 64 MiB tmpfs the test mounts
 * (as root; CI runs as root), the server down while a Telegraf-like writer appends until ENOSPC, then
 * the server back. Every line arrives exactly once, space comes back (compaction needs no new blocks),
 * the writer appends again, and the client named the ENOSPC once, on /ready too.
 */
class DiskFullIT {

  @RegisterExtension
  static final CentralInflux central = CentralInflux.perTestClass();
  private static Vertx vertx;
  private static final Path JAR = Path.of(System.getProperty("outflux.jar", "target/outflux.jar"));
  private static final long FS_SIZE = 64L << 20;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void aSpoolThatFilledTheDiskIsSyncedExactlyAndSpaceComesBackForTheWriter(@TempDir Path dir) throws Exception {
    Path fs = Files.createDirectory(dir.resolve("fs"));
    Tmpfs tmpfs = Tmpfs.mount(fs, FS_SIZE);
    String db = "diskfull";
    central.influxd.createDatabase(db);
    central.influxd.grant(Privilege.WRITE, db, CentralInflux.WRITER);
    int serverPort = Tmpfs.freePort();
    int adminPort = Tmpfs.freePort();
    Path spool = fs.resolve("metrics.lp");
    Path conf = Files.writeString(dir.resolve("client.json"), config(spool, db, serverPort, adminPort).encodePrettily());
    ChildJvm client = null;
    String server = null;
    try {
      client = ChildJvm.start("client", JAR, dir.resolve("client.log"), "client", "-conf", conf.toString());
      client.awaitLog("outflux client", Duration.ofSeconds(60)); // started: its checkpoint is preallocated
      Writer writer = new Writer(spool, new TelegrafLikeLines("edge-full", 1_750_000_000_000_000_000L));
      while (writer.append(2_000)) {
        // the server is down: the spool only grows, until the file system is full
      }
      long atFull = writer.lines;
      assertTrue(atFull > 300_000, "the writer filled 64 MiB: " + atFull + " lines");
      client.awaitLog("No space left on device", Duration.ofSeconds(30));
      var ready = Edge.admin(adminPort, "/ready");
      assertEquals(503, ready.getKey(), ready.getValue().encode());
      assertTrue(ready.getValue().encode().contains("No space left on device"), ready.getValue().encode());

      server = Edge.deploy(vertx, new io.outflux.server.ServerVerticle(), new JsonObject()
          .put("http", new JsonObject().put("host", "127.0.0.1").put("port", serverPort))
          .put("influx", new JsonObject().put("url", central.influxd.url())));
      // the writer retries its pending bytes like a buffered writer after a short write: space must come back
      Await.until(writer::flushPending, ok -> ok, Duration.ofSeconds(120));
      // the writer appends again: 20,000 more lines, each block once the client has freed enough (it frees
      // the synced prefix as acknowledgements come, so a fast writer may be ahead of it for a moment)
      for (int i = 0; i < 10; i++) {
        Await.until(writer::flushPending, ok -> ok, Duration.ofSeconds(60));
        writer.append(2_000);
      }
      Await.until(writer::flushPending, ok -> ok, Duration.ofSeconds(60));
      long total = writer.lines;
      assertEquals(total, Await.value(() -> central.influxd.countPoints(db), total, Duration.ofSeconds(180)),
          "every line, each once; log in " + client.log());
      long free = Await.value(() -> fs.toFile().getUsableSpace() > FS_SIZE / 2 ? 1L : 0L, 1L, Duration.ofSeconds(30));
      assertEquals(1, free, "the synced data is freed: " + fs.toFile().getUsableSpace() + " bytes free");
      Await.until(() -> Edge.admin(adminPort, "/ready").getValue().encode(), body -> !body.contains("No space"),
          Duration.ofSeconds(30)); // /ready no longer names the full disk
      String log = Files.readString(client.log());
      assertEquals(1, log.lines().filter(l -> l.contains("No space left on device")).count(),
          "ENOSPC named once: " + log);
      assertTrue(log.contains("has space again"), log);
    } finally {
      if (client != null) {
        client.close();
      }
      if (server != null) {
        Edge.undeploy(vertx, server);
      }
      tmpfs.close();
    }
  }

  /** Appends line blocks like Telegraf; what a write could not take stays pending, in order, like bufio. */
  private static final class Writer {
    private final Path spool;
    private final TelegrafLikeLines linesSource;
    private ByteBuffer pending;
    long lines;

    Writer(Path spool, TelegrafLikeLines lineSource) {
      this.spool = spool;
      this.linesSource = lineSource;
    }

    /** Writes the next {@code n} lines; false when the file system is full (the rest is pending). */
    boolean append(int n) throws IOException {
      if (pending != null && !flushPending()) {
        return false;
      }
      pending = ByteBuffer.wrap(linesSource.block(lines, lines + n));
      lines += n;
      return flushPending();
    }

    /** True once nothing is pending. */
    boolean flushPending() throws IOException {
      if (pending == null) {
        return true;
      }
      try (FileChannel ch = FileChannel.open(spool, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.APPEND)) {
        while (pending.hasRemaining()) {
          ch.write(pending);
        }
      } catch (IOException e) {
        if (String.valueOf(e.getMessage()).contains("No space left on device")) {
          return false;
        }
        throw e;
      }
      pending = null;
      return true;
    }
  }

  private static JsonObject config(Path spool, String db, int serverPort, int adminPort) {
    return new JsonObject()
        .put("clientId", "edge-" + db)
        .put("servers", new JsonArray().add("http://127.0.0.1:" + serverPort))
        .put("influx", new JsonObject().put("username", CentralInflux.WRITER)
            .put("password", CentralInflux.WRITER_PASSWORD).put("database", db))
        .put("spool", new JsonObject().put("path", spool.toString()).put("pollInterval", "20ms"))
        .put("sync", new JsonObject().put("rule", "interval").put("interval", "200ms").put("maxBatchLines", 5000)
            .put("maxInFlight", 4))
        .put("transport", new JsonObject().put("retryInitialDelay", "100ms").put("retryMaxDelay", "1s"))
        .put("admin", new JsonObject().put("port", adminPort));
  }
}
