package io.outflux.metrics;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.demo.TelegrafLikeLines;
import io.outflux.testing.Await;
import io.outflux.testing.CentralInflux;
import io.outflux.testing.ClientFixture;
import io.outflux.testing.ServerFixture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Metric values after a known sync: 3,000 good lines and one poison line through a real client and
 * server into a real influxd. Counters are process-wide, so the test compares before and after.
 */
@ExtendWith(VertxExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MetricsIT {

  @RegisterExtension
  static final CentralInflux central = CentralInflux.perTestClass();

  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void stopClientsWhileTheirSpoolStillExists(Vertx vertx) throws Exception {
    ClientFixture.undeployAll(vertx);
  }

  @Test
  @Order(1) // first: the process-wide outflux_server_clients gauge follows the first server deployed in this JVM
  void countersAfterAKnownSync(Vertx vertx, @TempDir Path dir) throws Exception {
    int port = ServerFixture.deploy(vertx, central.influxd.url(), new JsonObject());
    String before = scrape(port);
    Path spool = dir.resolve("metrics.lp");
    ClientFixture.deploy(vertx, ClientFixture.config("http://127.0.0.1:" + port, spool, CentralInflux.DB,
        CentralInflux.WRITER, CentralInflux.WRITER_PASSWORD));
    Files.write(spool, new TelegrafLikeLines("metrics", 1_700_000_000_000_000_000L).block(0, 3000));
    // a line the client's own scanner lets through but InfluxDB 1.x refuses: an unsigned integer
    Files.writeString(spool, "metrics_unsigned v=42u 1700000000000000000\n", StandardCharsets.UTF_8,
        StandardOpenOption.APPEND);
    assertEquals(1000, Await.value(() -> central.count(CentralInflux.DB, "cpu"), 1000, Duration.ofSeconds(30)));
    // the client counts its acks and dead letters, and publishes its backlog once a second: wait for all of it
    String after = await("the sync in the counters").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
        .ignoreExceptions().until(() -> scrape(port), text -> delta(before, text, "outflux_client_lines_acked_total") >= 3001
            && delta(before, text, "outflux_client_lines_dead_lettered_total") >= 1
            && value(text, "outflux_client_backlog_lines") == 0);

    assertEquals(3000, delta(before, after, "outflux_server_lines_written_total"), after);
    assertEquals(3001, delta(before, after, "outflux_server_lines_received_total"));
    assertEquals(1, delta(before, after, "outflux_server_lines_rejected_total{reason=\"influxdb\""));
    assertEquals(3001, delta(before, after, "outflux_client_lines_acked_total"));
    assertTrue(delta(before, after, "outflux_client_batches_acked_total") >= 1);
    assertEquals(3001, delta(before, after, "outflux_client_lines_read_total"));
    assertTrue(delta(before, after, "outflux_client_lines_sent_total") >= 3001);
    assertEquals(1, delta(before, after, "outflux_client_lines_dead_lettered_total"),
        "the line InfluxDB refused went to the dead-letter file");
    // and nothing is read, written or acknowledged once more afterwards
    await("no counter moves").during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(200)).until(() -> scrape(port), text ->
            delta(before, text, "outflux_server_lines_written_total") == 3000
                && delta(before, text, "outflux_server_lines_received_total") == 3001
                && delta(before, text, "outflux_client_lines_read_total") == 3001
                && delta(before, text, "outflux_client_lines_acked_total") == 3001);
    assertEquals(1, value(after, "outflux_client_connection{state=\"connected\""), after);
    assertEquals(0, value(after, "outflux_client_connection{state=\"retrying\""));
    assertEquals(1, value(after, "outflux_client_server{url=\"http://127.0.0.1:" + port + "\""));
    assertTrue(after.contains("outflux_server_cluster_members"), "a standalone node shows 0 members");
    assertTrue(value(after, "outflux_server_clients") >= 1, "the client that just synced is counted");
    assertTrue(delta(before, after, "outflux_server_influxdb_write_seconds_count") >= 1);
    assertEquals(0, value(after, "outflux_client_backlog_lines"), "everything is acknowledged");
    assertFalse(after.contains(CentralInflux.WRITER_PASSWORD), "no secret in the metrics");
  }

  /**
   * The shipped Grafana dashboard and Prometheus alert rules use only meters a real client and server
   * serve after a sync (so a renamed meter breaks this test, not an operator's dashboard at night).
   */
  @Test
  @Order(2)
  void everyMeterTheDashboardAndTheAlertRulesUseIsServed(Vertx vertx, @TempDir Path dir) throws Exception {
    int port = ServerFixture.deploy(vertx, central.influxd.url(), new JsonObject());
    Path spool = dir.resolve("metrics.lp");
    String db = "meters_used";
    central.influxd.createDatabase(db);
    central.influxd.grant(io.outflux.influxd.Privilege.WRITE, db, CentralInflux.WRITER);
    int adminPort = io.outflux.influxd.FreePorts.next();
    JsonObject config = ClientFixture.config("http://127.0.0.1:" + port, spool, db, CentralInflux.WRITER,
        CentralInflux.WRITER_PASSWORD);
    config.getJsonObject("admin").put("port", adminPort);
    ClientFixture.deploy(vertx, config);
    Files.write(spool, new TelegrafLikeLines("metrics", 1_800_000_000_000_000_000L).block(0, 300));
    assertEquals(100, Await.value(() -> central.count(db, "cpu"), 100, Duration.ofSeconds(30)));
    String served = scrape(port) + "\n" + scrape(adminPort);
    Set<String> used = new TreeSet<>();
    for (Path file : List.of(Path.of("deploy/grafana/outflux-dashboard.json"), Path.of("deploy/prometheus/outflux-alerts.yml"))) {
      Matcher m = Pattern.compile("\\b(outflux_[a-z0-9_]+)").matcher(Files.readString(file));
      while (m.find()) {
        used.add(m.group(1));
      }
    }
    assertTrue(used.size() >= 20, "the dashboard and the rules use the meters: " + used);
    List<String> missing = used.stream().filter(name -> !Pattern.compile("(?m)^" + name + "[ {]").matcher(served).find())
        .toList();
    assertEquals(List.of(), missing, "meters used by deploy/ but not served");
    assertTrue(served.contains("outflux_build_info{version=\"" + BuildInfo.version() + "\"} 1"), served);
    double lastAck = value(scrape(adminPort), "outflux_client_last_ack_timestamp_seconds");
    assertTrue(Math.abs(lastAck - System.currentTimeMillis() / 1000.0) < 60, "acknowledged just now: " + lastAck);
  }


  /**
   * Two clients in one JVM (each on its own Vert.x, as the event-bus addresses are per client) are
   * counted apart: each client's meters carry its id, in the one process registry.
   */
  @Test
  @Order(3)
  void twoClientsInOneJvmAreCountedApart(Vertx vertx, @TempDir Path dir) throws Exception {
    int port = ServerFixture.deploy(vertx, central.influxd.url(), new JsonObject());
    Vertx second = Vertx.vertx();
    try {
      String before = scrape(port);
      Path spoolA = dir.resolve("a.lp");
      Path spoolB = dir.resolve("b.lp");
      ClientFixture.deploy(vertx, ClientFixture.config("http://127.0.0.1:" + port, spoolA, CentralInflux.DB,
          CentralInflux.WRITER, CentralInflux.WRITER_PASSWORD).put("clientId", "edge-apart-a"));
      ClientFixture.deploy(second, ClientFixture.config("http://127.0.0.1:" + port, spoolB, CentralInflux.DB,
          CentralInflux.WRITER, CentralInflux.WRITER_PASSWORD).put("clientId", "edge-apart-b"));
      Files.write(spoolA, new TelegrafLikeLines("apart_a", 1_710_000_000_000_000_000L).block(0, 300));
      Files.write(spoolB, new TelegrafLikeLines("apart_b", 1_720_000_000_000_000_000L).block(0, 900));
      String after = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
          .until(() -> scrape(port), text -> delta(before, text, "outflux_client_lines_acked_total") >= 1200);
      assertEquals(300, delta(before, after, "outflux_client_lines_acked_total{client=\"edge-apart-a\""), after);
      assertEquals(900, delta(before, after, "outflux_client_lines_acked_total{client=\"edge-apart-b\""), after);
      assertEquals(300, delta(before, after, "outflux_client_lines_read_total{client=\"edge-apart-a\""));
      assertEquals(900, delta(before, after, "outflux_client_lines_read_total{client=\"edge-apart-b\""));
    } finally {
      ClientFixture.undeployAll(second);
      second.close().toCompletionStage().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  private String scrape(int port) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode());
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
    return r.body();
  }

  private static double delta(String before, String after, String prefix) {
    return value(after, prefix) - value(before, prefix);
  }

  /**
   * Sum of the samples of a meter: {@code name}, or {@code name{k="v"} with labels the sample must
   * carry, in any order (every meter also carries its deployment's tag, {@code client} or {@code server}).
   */
  private static double value(String text, String selector) {
    int brace = selector.indexOf('{');
    String name = brace < 0 ? selector : selector.substring(0, brace);
    List<String> labels = brace < 0 ? List.of()
        : List.of(selector.substring(brace + 1).replaceAll("}$", "").split(","));
    double sum = 0;
    for (String line : text.split("\n")) {
      if (!line.startsWith(name) || line.length() == name.length()
          || (line.charAt(name.length()) != ' ' && line.charAt(name.length()) != '{')) {
        continue;
      }
      String labelPart = line.charAt(name.length()) == '{' ? line.substring(name.length(), line.lastIndexOf('}') + 1) : "";
      if (labels.stream().allMatch(l -> labelPart.contains("{" + l) || labelPart.contains("," + l))) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }
}
