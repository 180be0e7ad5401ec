package io.outflux.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micrometer.core.instrument.Counter;
import io.outflux.cluster.AckLedger;
import io.outflux.demo.ChildJvm;
import io.outflux.demo.TelegrafLikeLines;
import io.outflux.influxd.Privilege;
import io.outflux.metrics.Metrics;
import io.outflux.testing.Await;
import io.outflux.testing.CentralInflux;
import io.outflux.testing.ServerFixture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batch identity by spool position, measured: a client JVM syncing a Telegraf-like spool (rotated
 * every 20,000 lines) is killed with SIGKILL again and again at random moments of its progress; each
 * time it restarts from its checkpoint and cuts its batches anew. The central InfluxDB must end with
 * exactly every point, and the server must have written at most 0.1% more lines than there are:
 * InfluxDB overwrites a point written twice silently, so the server's own written-lines counter is
 * what is compared. The stored-positions ledger holds one entry for the client (its lane), not one per batch.
 *
 * <p>Each kill comes once the client follows the writer (its batches cut by {@code sync.interval}),
 * so the restarted client, which cuts its backlog by size, cuts the same lines differently: a batch
 * identified by number and content (wire version 1) is then written again.
 *
 * <p>Once per sync rule: {@code interval} (HTTP POSTs, each with its {@code Outflux-Span}) and
 * {@code streaming} (a WebSocket, stream version 2: each batch message carries its span), where the
 * client follows the writer chunk by chunk as the tail reads it and the restarted one cuts its
 * backlog by size.
 *
 * <p>In the suite: 100,000 lines and 5 kills for {@code interval}, 60,000 lines and 3 kills for
 * {@code streaming} (the suite's time). {@code bench/kill-nine.sh} runs 1,000,000 lines and 20 kills
 * with one rule ({@code -Dkillnine.rule}, {@code -Dkillnine.lines}, {@code -Dkillnine.kills}).
 */
class KillNineIT {

  @RegisterExtension
  static final CentralInflux central = CentralInflux.perTestClass();
  private static Vertx vertx;
  private static int serverPort;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    serverPort = ServerFixture.deploy(vertx, central.influxd.url(), new JsonObject());
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @ParameterizedTest(name = "sync.rule {0}")
  @ValueSource(strings = {"interval", "streaming"})
  void killNineAgainAndAgainWhileSyncingARotatingSpoolWritesAtMostOneLineInAThousandTwice(String rule,
      @TempDir Path dir) throws Exception {
    String only = System.getProperty("killnine.rule", "");
    assumeTrue(only.isEmpty() || only.equals(rule), "-Dkillnine.rule=" + only);
    boolean streaming = rule.equals("streaming");
    int total = Integer.getInteger("killnine.lines", streaming ? 60_000 : 100_000);
    int kills = Integer.getInteger("killnine.kills", streaming ? 3 : 5);
    String db = "killnine_" + rule;
    central.influxd.createDatabase(db);
    central.influxd.grant(Privilege.WRITE, db, CentralInflux.WRITER);
    Path spool = dir.resolve("metrics.lp");
    String clientId = "edge-killnine-" + rule;
    Path conf = Files.writeString(dir.resolve("client.json"), clientConfig(clientId, spool, db, rule)
        .encodePrettily());
    Path jar = Path.of(System.getProperty("outflux.jar", "target/outflux.jar"));
    long seed = Long.getLong("killnine.seed", System.nanoTime());
    Random random = new Random(seed);
    double writtenBefore = counter("outflux_server_lines_written");
    double skippedBefore = counter("outflux_server_lines_already_stored");
    double streamedBefore = counter("outflux_server_batches", "websocket");
    TelegrafLikeLines telegraf = new TelegrafLikeLines("edge-killnine", 1_700_000_000_000_000_000L);
    AtomicLong appended = new AtomicLong();
    AtomicInteger killsDone = new AtomicInteger();
    double share = (double) total / (kills + 1);
    AtomicReference<Exception> writeFailure = new AtomicReference<>();
    Thread writing = new Thread(() -> {
      try {
        // Telegraf's file output: a flush of 2,000 lines every 200 ms (10,000 lines/s), renamed to an archive
        // every 20,000 lines
        long second = 1_764_400_000L;
        for (long i = 0; i < total; i += 2_000) {
          long end = Math.min(total, i + 2_000);
          // the writer keeps lines coming past each kill's moment (a busy machine restarts the client slowly;
          // a writer that finished early would leave nothing on its way at the later kills)
          while (killsDone.get() < kills && end > share * (killsDone.get() + 2)) {
            Thread.sleep(50); // a paused writer, not a wait for a result
          }
          Files.write(spool, telegraf.block(i, end), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
          if (end % 20_000 == 0) {
            Files.move(spool, spool.resolveSibling("metrics.2026-11-29-" + second++ + ".lp"));
          }
          appended.set(end);
          Thread.sleep(200); // Telegraf's pace between flushes, not a wait for anything
        }
      } catch (Exception e) {
        writeFailure.set(e);
      }
    }, "spool-writer");

    ChildJvm client = ChildJvm.start("client", jar, dir.resolve("client-0.log"), "client", "-conf", conf.toString());
    writing.start();
    long started = System.nanoTime();
    try {
      for (int kill = 1; kill <= kills; kill++) {
        // a random moment of the sync's progress in this kill's share of it: the restarted client always
        // made progress first, and every kill finds batches cut, sent and not all acknowledged
        long at = (long) (writtenBefore + share * kill + random.nextDouble() * share * 0.8);
        // and the client has caught up with the writer: it cuts its batches by the clock (sync.interval), and
        // once restarted it cuts the backlog by size: other cuts of the same lines
        await("the sync reaches " + (long) (at - writtenBefore) + " lines and follows the writer before kill " + kill)
            .atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(5))
            .until(() -> {
              double done = counter("outflux_server_lines_written") - writtenBefore;
              return done >= at - writtenBefore && done >= Math.min(appended.get(), total - 1_000) - 4_000;
            });
        // the moment a batch reaches the server: the client dies while the server stores it, so the restarted
        // client sends those lines again
        double received = counter("outflux_server_batches");
        await("a batch on its way before kill " + kill).atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(1))
            .until(() -> counter("outflux_server_batches") > received
                || counter("outflux_server_lines_written") - writtenBefore >= appended.get()); // all sent: kill idle
        client.kill9();
        killsDone.incrementAndGet();
        client = ChildJvm.start("client", jar, dir.resolve("client-" + kill + ".log"), "client", "-conf",
            conf.toString());
      }
      writing.join(600_000);
      assertEquals(null, writeFailure.get());
      long synced = Await.value(() -> countAll(db), total, Duration.ofMinutes(5));
      assertEquals(total, synced, "exactly every point, after " + kills + " kill -9 (seed " + seed + ", logs in " + dir
          + ")");
      double written = counter("outflux_server_lines_written") - writtenBefore;
      long streamed = (long) (counter("outflux_server_batches", "websocket") - streamedBefore);
      double skipped = counter("outflux_server_lines_already_stored") - skippedBefore;
      double twice = written - total;
      System.out.printf("kill -9 x%d, sync.rule %s, %d lines: %.0f lines written (%.3f%% twice), %.0f resent lines not written again, "
              + "%.1f s, load %s (seed %d)%n", kills, rule, total, written, 100 * twice / total, skipped,
          (System.nanoTime() - started) / 1e9, Files.readString(Path.of("/proc/loadavg")).trim(), seed);
      assertEquals(streaming, streamed > 0, "batches over a WebSocket: " + streamed);
      assertTrue(twice >= 0, "the server wrote " + written + " lines for " + total);
      assertTrue(twice <= total / 1000.0, twice + " lines written twice for " + total + " lines (" + kills
          + " kill -9): more than 0.1% (seed " + seed + ", logs in " + dir + ")");
      assertTrue(skipped > 0, "the restarted clients sent again lines the server had stored: " + skipped);
      assertEquals(Set.of(clientId + "/@live"), ledgerEntriesOf(clientId),
          "the server holds the client's positions, one entry for its lane, none per batch");
    } finally {
      client.close();
    }
  }

  /** The client's entries in the ledger map, their scope hash left out. */
  private static Set<String> ledgerEntriesOf(String clientId) throws Exception {
    Set<String> keys = vertx.sharedData().<String, String>getAsyncMap(AckLedger.MAP_NAME)
        .compose(m -> m.keys()).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    java.util.Set<String> mine = new java.util.TreeSet<>();
    for (String key : keys) {
      if (key.startsWith(clientId + "/")) {
        mine.add(clientId + key.substring(key.lastIndexOf('/')));
      }
    }
    return mine;
  }

  /** A server counter, summed over its tags (every server deployment of this JVM). */
  private static double counter(String name) {
    return Metrics.registry().find(name).counters().stream().mapToDouble(Counter::count).sum();
  }

  /** A server counter with this {@code transport} tag. */
  private static double counter(String name, String transport) {
    return Metrics.registry().find(name).tag("transport", transport).counters().stream().mapToDouble(Counter::count)
        .sum();
  }

  private static long countAll(String db) {
    long sum = 0;
    for (String[] m : TelegrafLikeLines.MEASUREMENTS) {
      sum += central.influxd.count(db, m[0]);
    }
    return sum;
  }

  private static JsonObject clientConfig(String clientId, Path spool, String db, String rule) {
    return new JsonObject()
        .put("clientId", clientId)
        .put("servers", new JsonArray().add("http://127.0.0.1:" + serverPort))
        .put("influx", new JsonObject().put("username", CentralInflux.WRITER)
            .put("password", CentralInflux.WRITER_PASSWORD).put("database", db))
        .put("spool", new JsonObject().put("path", spool.toString()).put("pollInterval", "20ms")
            .put("compactEvery", "64KiB"))
        .put("sync", new JsonObject().put("rule", rule).put("interval", "200ms").put("maxBatchLines", 5000)
            .put("maxInFlight", 4))
        .put("transport", new JsonObject().put("retryInitialDelay", "100ms").put("retryMaxDelay", "1s"));
  }
}
