package io.outflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.client.ClientVerticle;
import io.outflux.influxd.FreePorts;
import io.outflux.server.ServerVerticle;
import io.outflux.testing.Await;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A metered link against a real central InfluxDB: the rate holds end to end; outside a window nothing is sent, and nothing is lost. */
class MeteredLinkIT extends CentralTestBase {

  @Test
  void theMaximumRateHoldsFromSpoolToInfluxDb(Vertx vertx, @TempDir Path dir) throws Exception {
    Edge edge = new Edge(central, "metered_rate", dir);
    ServerVerticle server = Edge.deployServer(vertx, central, 0);
    JsonObject config = edge.clientConfig("interval", server.actualPort());
    config.getJsonObject("sync").put("interval", "50ms");
    config.put("link", new JsonObject().put("maxRate", "32KiB"));
    edge.append(1_000);
    long bytes = Files.size(edge.spool);
    long started = System.nanoTime();
    Edge.deployClient(vertx, config);
    // the first batch is larger than a second's worth: it goes at once and leaves the link in debt
    assertEquals(1_000, Await.value(edge::count, 1_000, Duration.ofSeconds(30)));
    edge.append(1_000);
    assertEquals(2_000, Await.value(edge::count, 2_000, Duration.ofSeconds(60)));
    double seconds = (System.nanoTime() - started) / 1e9;
    // the second batch may go once the bucket holds a second's worth again: after bytes / rate
    double least = (double) bytes / (32 * 1024);
    assertTrue(least > 3, "the test needs a few seconds of data: " + bytes + " bytes");
    assertTrue(seconds >= least, 2 * bytes + " bytes in " + seconds + " s, faster than 32 KiB/s allows (" + least + " s)");
  }

  @Test
  void outsideTheTransferWindowNothingIsSentAndEverythingFollowsLater(Vertx vertx, @TempDir Path dir) throws Exception {
    Edge edge = new Edge(central, "metered_window", dir);
    ServerVerticle server = Edge.deployServer(vertx, central, 0);
    JsonObject config = edge.clientConfig("interval", server.actualPort());
    config.getJsonObject("sync").put("interval", "50ms");
    LocalTime now = LocalTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MINUTES);
    config.put("link", new JsonObject().put("timeZone", "UTC")
        .put("windows", new JsonArray().add(now.plusHours(2) + "-" + now.plusHours(3))));
    ClientVerticle client = new ClientVerticle();
    String id = Edge.deploy(vertx, client, config);
    edge.append(300);
    Edge.awaitRead(client, 300);
    edge.nothingSentFor(0, Duration.ofSeconds(2), "the window opens in two hours");

    Edge.undeploy(vertx, id);
    config.remove("link");
    Edge.deployClient(vertx, config);
    assertEquals(300, Await.value(edge::count, 300, Duration.ofSeconds(30)), "the lines waited in the spool");
  }

  @Test
  void aPlainFlushOutsideTheWindowSaysWhenItOpensAndAForcedOneSendsAnyway(Vertx vertx, @TempDir Path dir) throws Exception {
    Edge edge = new Edge(central, "metered_force", dir);
    ServerVerticle server = Edge.deployServer(vertx, central, 0);
    int adminPort = FreePorts.next();
    JsonObject config = edge.clientConfig("interval", server.actualPort());
    config.getJsonObject("sync").put("interval", "50ms");
    config.getJsonObject("admin").put("port", adminPort);
    LocalTime now = LocalTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MINUTES);
    config.put("link", new JsonObject().put("timeZone", "UTC").put("dailyQuota", "1GiB")
        .put("windows", new JsonArray().add(now.plusHours(2) + "-" + now.plusHours(3))));
    Path conf = Files.writeString(dir.resolve("client.json"), config.encodePrettily());
    ClientVerticle client = Edge.deployClient(vertx, config);
    edge.append(300);

    long started = System.nanoTime();
    Edge.Cli plain = Edge.cli("flush", "--conf", conf.toString(), "--timeout", "20s");
    assertEquals(1, plain.exit(), plain.out());
    assertTrue(plain.out().contains("the transfer window is closed") && plain.out().contains("the next one opens at")
        && plain.out().contains("--force"), plain.out());
    assertTrue(System.nanoTime() - started < 15_000_000_000L, "answered at once, not at the timeout");
    assertEquals(0, edge.count());

    JsonObject status = Edge.admin(adminPort, "/status").getValue().getJsonObject("link");
    assertEquals(false, status.getBoolean("open"), status.encode());
    assertTrue(status.getString("nextWindowOpens").contains("T" + now.plusHours(2)), status.encode());
    Edge.Cli shown = Edge.cli("status", "--conf", conf.toString());
    assertEquals(0, shown.exit(), "a closed window is no reason to be unready: " + shown.out());
    assertTrue(shown.out().contains("\nlink        no rate limit; windows " + now.plusHours(2) + "-" + now.plusHours(3)
        + " (UTC): closed, next opens "), shown.out());
    assertTrue(shown.out().contains("; quota 0 B of 1.0 GiB used, 1.0 GiB left, resets "), shown.out());

    Edge.Cli forced = Edge.cli("flush", "--conf", conf.toString(), "--timeout", "20s", "--force");
    assertEquals(0, forced.exit(), forced.out());
    assertTrue(forced.out().contains("flushed: 300 lines"), forced.out());
    assertEquals(300, edge.count());
    JsonObject after = Edge.admin(adminPort, "/status").getValue().getJsonObject("link");
    assertEquals(false, after.getBoolean("windowsOverridden"), "the override ends with the flush: " + after.encode());
    assertTrue(after.getLong("quotaUsed") >= Files.size(edge.spool), "forced bytes count against the quota: " + after.encode());

    edge.append(100);
    Edge.awaitRead(client, 400);
    edge.nothingSentFor(300, Duration.ofMillis(1_500), "outside the window again once the forced flush is done");
  }

  @Test
  void theDailyQuotaCountSurvivesAClientRestart(Vertx vertx, @TempDir Path dir) throws Exception {
    Edge edge = new Edge(central, "metered_quota", dir);
    ServerVerticle server = Edge.deployServer(vertx, central, 0);
    int adminPort = FreePorts.next();
    JsonObject config = edge.clientConfig("interval", server.actualPort());
    // only full batches go (the interval never comes): exactly 200 lines each
    config.getJsonObject("sync").put("interval", "1h").put("maxBatchLines", 200);
    config.getJsonObject("spool").put("readChunkLines", 100);
    config.getJsonObject("admin").put("port", adminPort);
    edge.append(1_000);
    long lineBytes = Files.size(edge.spool) / 1_000;
    // room for two batches of 200 lines a day, not three
    long quota = lineBytes * 200 * 5 / 2;
    config.put("link", new JsonObject().put("timeZone", "UTC").put("dailyQuota", quota));
    ClientVerticle client = new ClientVerticle();
    String id = Edge.deploy(vertx, client, config);
    assertEquals(400, Await.value(edge::count, 400, Duration.ofSeconds(30)));
    Edge.awaitRead(client, 1_000);
    edge.nothingSentFor(400, Duration.ofSeconds(1), "the third batch waits for tomorrow");
    JsonObject link = Edge.admin(adminPort, "/status").getValue().getJsonObject("link");
    long used = link.getLong("quotaUsed");
    assertTrue(used > quota / 2 && used <= quota, "two batches of about 200 lines: " + link.encode());
    assertEquals(quota - used, link.getLong("quotaLeft"));

    // restart while three batches wait: a count kept only in memory would let two more go
    Edge.undeploy(vertx, id);
    assertTrue(Files.exists(Path.of(edge.spool + ".checkpoint.quota")));
    ClientVerticle restarted = new ClientVerticle();
    id = Edge.deploy(vertx, restarted, config);
    Edge.awaitRead(restarted, 600); // resumed after the 400 acknowledged
    edge.nothingSentFor(400, Duration.ofSeconds(2), "the restarted client knows today's quota is spent");
    assertEquals(used, Edge.admin(adminPort, "/status").getValue().getJsonObject("link").getLong("quotaUsed"));

    // a larger quota: everything follows, nothing lost
    Edge.undeploy(vertx, id);
    config.getJsonObject("link").put("dailyQuota", "1GiB");
    Edge.deployClient(vertx, config);
    assertEquals(1_000, Await.value(edge::count, 1_000, Duration.ofSeconds(30)));
  }

  @Test
  void whileTheLinksInterfaceIsDownNothingIsSentAndEverythingFollowsWhenItComesUp(Vertx vertx, @TempDir Path dir)
      throws Exception {
    Edge edge = new Edge(central, "metered_interface", dir);
    ServerVerticle server = Edge.deployServer(vertx, central, 0);
    int adminPort = FreePorts.next();
    JsonObject config = edge.clientConfig("interval", server.actualPort());
    config.getJsonObject("sync").put("interval", "50ms");
    config.getJsonObject("admin").put("port", adminPort);
    config.put("link", new JsonObject().put("interface", "lo")); // exists everywhere; its state is the test's
    java.util.concurrent.atomic.AtomicBoolean up = new java.util.concurrent.atomic.AtomicBoolean(false);
    ClientVerticle client = new ClientVerticle(name -> io.vertx.core.Future.succeededFuture(up.get()));
    Edge.deploy(vertx, client, config);
    edge.append(250);
    Edge.awaitRead(client, 250);
    edge.nothingSentFor(0, Duration.ofMillis(1_500), "the interface is down");
    JsonObject link = Edge.admin(adminPort, "/status").getValue().getJsonObject("link");
    assertEquals(false, link.getBoolean("interfaceUp"), link.encode());
    Map.Entry<Integer, JsonObject> flush = edge.postAdmin(adminPort, "/flush?timeout=20s");
    assertEquals(409, flush.getKey(), flush.getValue().encode());
    assertTrue(flush.getValue().getString("error").contains("network interface lo is down"), flush.getValue().encode());

    up.set(true);
    assertEquals(250, Await.value(edge::count, 250, Duration.ofSeconds(20)), "the lines waited in the spool");
    edge.append(50);
    assertEquals(300, Await.value(edge::count, 300, Duration.ofSeconds(20)));
  }

  @Test
  void aFlushOverASlowLinkShowsItsProgress(Vertx vertx, @TempDir Path dir) throws Exception {
    Edge edge = new Edge(central, "metered_progress", dir);
    ServerVerticle server = Edge.deployServer(vertx, central, 0);
    int adminPort = FreePorts.next();
    JsonObject config = edge.clientConfig("interval", server.actualPort());
    config.getJsonObject("sync").put("interval", "1h").put("maxBatchLines", 100);
    config.getJsonObject("admin").put("port", adminPort);
    config.getJsonObject("spool").put("readChunkLines", 50);
    config.put("link", new JsonObject().put("maxRate", "16KiB"));
    Path conf = Files.writeString(dir.resolve("client.json"), config.encodePrettily());
    Edge.deployClient(vertx, config);
    edge.append(1_000); // about 160 KB: some 10 s at 16 KiB/s

    Edge.Cli flush = Edge.cli("flush", "--conf", conf.toString(), "--timeout", "60s");
    assertEquals(0, flush.exit(), flush.out());
    assertTrue(flush.out().contains("flushing: ") && flush.out().contains(" lines/s (") && flush.out().contains(" left"),
        flush.out());
    assertTrue(flush.out().contains("flushed: "), flush.out());
    assertEquals(1_000, edge.count(), "everything is in InfluxDB when the flush answers");
  }
}
