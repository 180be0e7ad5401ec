package io.outflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.influxd.InfluxdOptions;
import io.outflux.influxd.InfluxdProcess;
import io.outflux.influxd.Privilege;
import io.outflux.server.ServerVerticle;
import io.outflux.testing.Await;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/outflux backfill} with two real influxd: points that exist only in the edge InfluxDB
 * reach the central one through the spool and a running client, field by field with their types;
 * with {@code --verify} a window already complete centrally is not read again.
 */
class BackfillIT extends CentralTestBase {

  private static final long HOUR = 3_600_000_000_000L;
  private static final long T0 = 1_700_000_000_000_000_000L / HOUR * HOUR;   // on an hour boundary
  private static final String READER = "reader";
  private static final String READER_PASSWORD = "reader-pw";

  private static InfluxdProcess edgeInflux;

  @BeforeAll
  static void start() {
    central.influxd.createUser(READER, READER_PASSWORD, false);
    edgeInflux = InfluxdProcess.start(InfluxdOptions.builder().build());
  }

  @AfterAll
  static void stop() {
    if (edgeInflux != null) {
      edgeInflux.close();
    }
  }

  @Test
  void pointsOnlyAtTheEdgeArriveCentrallyWithTheirTypes(Vertx vertx, @TempDir Path dir) throws Exception {
    edgeInflux.createDatabase("site");
    List<String> hour0 = new ArrayList<>();
    StringBuilder all = new StringBuilder();
    for (int h = 0; h < 3; h++) {
      for (int i = 0; i < 400; i++) {
        long t = T0 + h * HOUR + i * 1_000_000_000L + i;
        String lines = "machine\\ state,site=hall\\ 1,line=a\\,b temp=" + (20 + i % 7) + ".0,load=" + (i * 0.37)
            + ",count=" + (i - 200) + "i,running=" + (i % 2 == 0) + ",note=\"batch \\\"" + i + "\\\" ok\" " + t + "\n"
            + "events" + (i % 3 == 0 ? "" : ",kind=k" + i % 3) + " code=" + i + "i,msg=\"e=" + i + ", x\" " + t + "\n";
        all.append(lines);
        if (h == 0) {
          hour0.add(lines);
        }
      }
    }
    assertEquals(204, edgeInflux.write("site", all.toString()).status());

    Edge edge = new Edge(central, "bf", dir);
    central.influxd.grant(Privilege.READ, "bf", READER);
    // the first hour already reached the central InfluxDB before (e.g. synced normally)
    assertEquals(204, central.influxd.write("bf", String.join("", hour0)).status());

    ServerVerticle server = Edge.deployServer(vertx, central, 0);
    JsonObject config = edge.clientConfig("interval", server.actualPort());
    config.getJsonObject("sync").put("interval", "100ms");
    config.put("edge", new JsonObject().put("url", edgeInflux.url()).put("database", "site"));
    config.put("central", new JsonObject().put("url", central.influxd.url()).put("username", READER)
        .put("password", READER_PASSWORD));
    Edge.deployClient(vertx, config);
    Path conf = Files.writeString(dir.resolve("client.json"), config.encodePrettily());

    String from = java.time.Instant.ofEpochSecond(T0 / 1_000_000_000L).toString();
    String to = java.time.Instant.ofEpochSecond((T0 + 3 * HOUR) / 1_000_000_000L).toString();
    Result run = cli(conf, "--from", from, "--to", to, "--window", "1h", "--verify");
    assertEquals(0, run.exit, run.out);
    assertTrue(run.out.contains("appended 1600 points") && run.out.contains("(2 already complete centrally)"), run.out);

    assertEquals(2_400, Await.value(edge::count, 2_400, Duration.ofSeconds(60)));
    for (String m : List.of("machine state", "events")) {
      String q = "SELECT * FROM \"" + m + "\"";
      assertEquals(edgeInflux.query("site", q).encode(), central.influxd.query("bf", q).encode(), m);
      String keys = "SHOW FIELD KEYS FROM \"" + m + "\"";
      assertEquals(edgeInflux.query("site", keys).encode(), central.influxd.query("bf", keys).encode(), m);
    }
    JsonArray types = central.influxd.query("bf", "SHOW FIELD KEYS FROM \"machine state\"").getJsonArray("results")
        .getJsonObject(0).getJsonArray("series").getJsonObject(0).getJsonArray("values");
    assertEquals("[[\"count\",\"integer\"],[\"load\",\"float\"],[\"note\",\"string\"],[\"running\",\"boolean\"],[\"temp\",\"float\"]]",
        types.encode());

    Result again = cli(conf, "--from", from, "--to", to, "--verify");
    assertEquals(0, again.exit, again.out);
    assertTrue(again.out.contains("appended 0 points") && again.out.contains("(6 already complete centrally)"), again.out);
  }

  private record Result(int exit, String out) {
  }

  private static Result cli(Path conf, String... args) throws Exception {
    String jar = System.getProperty("outflux.jar", "target/outflux.jar");
    List<String> command = new ArrayList<>(List.of("bin/outflux", "backfill"));
    command.addAll(List.of(args));
    command.addAll(List.of("--conf", conf.toString()));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("OUTFLUX_JAR", jar);
    pb.environment().put("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    return new Result(p.exitValue(), out);
  }
}
