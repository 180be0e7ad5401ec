package io.outflux.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The fleet view on a non-clustered Vert.x (a local async map) with a clock the test moves. */
class FleetViewTest {

  private final Vertx vertx = Vertx.vertx();
  private final AtomicLong clock = new AtomicLong(1_800_000_000_000L);
  private final FleetView fleet = new FleetView(vertx, () -> "node-1", Duration.ofHours(1), Duration.ofSeconds(1),
      clock::get);

  @AfterEach
  void close() {
    vertx.close();
  }

  @Test
  void anEntryCarriesTheReportTheLinesStoredAndTheirRate() throws Exception {
    seen("edge", OptionalDouble.of(2.5));
    fleet.stored("edge", 3000);
    clock.addAndGet(2000);
    seen("edge", OptionalDouble.of(0.5));
    JsonObject entry = only(list());
    assertEquals("edge", entry.getString("clientId"));
    assertEquals("node-1", entry.getString("node"));
    assertEquals(3000, entry.getLong("linesStored"));
    assertEquals(1500.0, entry.getDouble("linesPerSecond"));
    assertEquals(0.5, entry.getDouble("lagSeconds"));
    assertEquals(7, entry.getLong("backlogLines"));
    assertEquals("live", entry.getString("state"));
    assertEquals(0.0, entry.getDouble("secondsSinceSeen"));
  }

  @Test
  void aSightingWithinTheUpdateIntervalIsNotWrittenSoTheRateSpansTheWholeInterval() throws Exception {
    seen("edge", OptionalDouble.of(1));
    fleet.stored("edge", 100);
    clock.addAndGet(400);
    seen("edge", OptionalDouble.of(9));
    assertEquals(1.0, only(list()).getDouble("lagSeconds"), "second sighting skipped");
    clock.addAndGet(600);
    seen("edge", OptionalDouble.of(3));
    assertEquals(100.0, only(list()).getDouble("linesPerSecond"));
  }

  @Test
  void aClientNotHeardFromTurnsQuietThenStaleAndMovesNoLines() throws Exception {
    seen("edge", OptionalDouble.empty());
    fleet.stored("edge", 1000);
    clock.addAndGet(1000);
    seen("edge", OptionalDouble.empty());
    clock.addAndGet(FleetView.LIVE_WITHIN.toMillis() + 1);
    JsonObject quiet = only(list());
    assertEquals("quiet", quiet.getString("state"));
    assertEquals(0.0, quiet.getDouble("linesPerSecond"));
    assertEquals(10.0, quiet.getDouble("secondsSinceSeen"));
    clock.addAndGet(FleetView.STALE_AFTER.toMillis());
    assertEquals("stale", only(list()).getString("state"));
  }

  @Test
  void theStateThresholdsAreTheConfiguredOnes() throws Exception {
    FleetView shortFleet = new FleetView(vertx, () -> "node-1", Duration.ofHours(1), Duration.ofSeconds(1),
        Duration.ofSeconds(2), Duration.ofSeconds(8), clock::get);
    shortFleet.seen(new FleetView.Sighting("edge", "http", OptionalLong.empty(), OptionalLong.empty(),
        OptionalDouble.empty())).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    clock.addAndGet(2001);
    assertEquals("quiet", only(get(shortFleet.list())).getString("state"));
    clock.addAndGet(6000);
    assertEquals(FleetView.STATE_STALE, only(get(shortFleet.list())).getString("state"));
  }

  private static JsonArray get(io.vertx.core.Future<JsonArray> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @Test
  void aStoppedClientSaysSoAndItsLagKeepsAgeing() throws Exception {
    fleet.seen(new FleetView.Sighting("edge", "http", OptionalLong.of(100), OptionalLong.of(3), OptionalDouble.of(2.0),
        java.util.Optional.of("1.2.3"), true)).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    JsonObject now = only(list());
    assertEquals("stopped", now.getString("state"), "a goodbye is not live, however recent");
    assertEquals("1.2.3", now.getString("version"));
    clock.addAndGet(60_000);
    JsonObject later = only(list());
    assertEquals("stopped", later.getString("state"));
    assertEquals(62.0, later.getDouble("lagSeconds"), "the reported lag plus the minute since");
    assertEquals(2.0, later.getDouble("reportedLagSeconds"));
  }

  @Test
  void twoFrontInstancesOfOneNodeCountAClientsLinesTogetherFromTheirOwnThreads() throws Exception {
    // http.instances 2: a client's batches arrive on both instances, each on its own event loop
    FleetView other = new FleetView(vertx, () -> "node-1", Duration.ofHours(1), Duration.ofSeconds(1), clock::get);
    seen("edge", OptionalDouble.of(1));
    Thread[] fronts = new Thread[4];
    for (int t = 0; t < fronts.length; t++) {
      FleetView instance = t % 2 == 0 ? fleet : other;
      fronts[t] = new Thread(() -> {
        for (int i = 0; i < 10_000; i++) {
          instance.stored("edge", 1);
        }
      });
      fronts[t].start();
    }
    for (Thread t : fronts) {
      t.join(10_000);
    }
    clock.addAndGet(2000);
    other.seen(new FleetView.Sighting("edge", "http", OptionalLong.empty(), OptionalLong.empty(), OptionalDouble.empty()))
        .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    JsonObject entry = only(list());
    assertEquals(40_000, entry.getLong("linesStored"), "the lines stored through either instance: " + entry.encode());
    assertEquals(20_000.0, entry.getDouble("linesPerSecond"), entry.encode());
    assertEquals(1, fleet.clientsHere(), "one client for the node, whichever instance is asked");
    assertEquals(1, other.clientsHere());
    clock.addAndGet(200);
    seen("edge", OptionalDouble.of(5));
    assertEquals(null, only(list()).getDouble("lagSeconds"), "the node writes a client's entry once per interval, "
        + "not once per instance: the other instance's write 200 ms ago stands");
  }

  @Test
  void refusalsAreKeptApartEscapedAndCounted() throws Exception {
    seen("edge", OptionalDouble.of(1));
    fleet.refused("edge", "user x\nforged", "10.0.0.9", "credentials refused by InfluxDB (HTTP 401)");
    fleet.refused("edge", "user x\nforged", "10.0.0.9", "credentials refused by InfluxDB (HTTP 401)");
    clock.addAndGet(1000);
    fleet.refused("edge", "user x\nforged", "10.0.0.9", "credentials refused by InfluxDB (HTTP 401)");
    JsonArray refused = fleet.refusals().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    JsonObject r = only(refused);
    assertEquals("user x\\u000aforged", r.getString("user"), "control characters escaped");
    assertEquals(3, r.getLong("count"));
    assertEquals("refused", r.getString("state"));
    assertEquals("live", only(list()).getString("state"), "the verified entry is untouched");
  }

  private void seen(String id, OptionalDouble lag) throws Exception {
    fleet.seen(new FleetView.Sighting(id, "websocket", OptionalLong.of(4096), OptionalLong.of(7), lag))
        .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private JsonArray list() throws Exception {
    return fleet.list().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private static JsonObject only(JsonArray clients) {
    assertEquals(1, clients.size(), clients.encode());
    return clients.getJsonObject(0);
  }
}
