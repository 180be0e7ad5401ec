package io.outflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.server.ServerVerticle;
import io.outflux.testing.Await;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/outflux deadletter} against a running client and a real central InfluxDB: records left
 * from before the database existed, and lines the tail itself quarantined (CR line ends), are
 * replayed through the spool, counted centrally with their values, and never replayed twice.
 */
class DeadLetterReplayIT extends CentralTestBase {

  @Test
  void replayedRecordsAreCountedCentrallyOnceTheirCauseIsFixed(Vertx vertx, @TempDir Path dir) throws Exception {
    Path deadLetter = dir.resolve("metrics.lp.deadletter");
    // quarantined while the database did not exist (e.g. by an InfluxDB that refused them for good)
    Files.writeString(deadLetter, record("database not found: \"late_db\"", "replay,src=old v=1i,ok=true 1700000000000000001")
        + record("database not found: \"late_db\"", "replay,src=old v=2i,s=\"a \\\"q\\\"\" 1700000000000000002"));

    Edge edge = new Edge(central, "late_db", dir);   // the cause fixed: the database exists now
    ServerVerticle server = Edge.deployServer(vertx, central, 0);
    JsonObject config = edge.clientConfig("interval", server.actualPort());
    config.getJsonObject("sync").put("interval", "100ms");
    Edge.deployClient(vertx, config);
    Path conf = Files.writeString(dir.resolve("client.json"), config.encodePrettily());

    edge.append(10);
    Files.writeString(edge.spool, "crlf,src=win v=3i 1700000000000000003\r\r\ncrlf,src=win v=4i 1700000000000000004\r\r\n",
        StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    edge.append(5);
    assertEquals(15, Await.value(edge::count, 15, Duration.ofSeconds(30)));
    assertEquals(4, Await.value(() -> lines(deadLetter), 4, Duration.ofSeconds(30)), "2 old + 2 CR-ended lines");

    Result list = cli(conf, "list");
    assertTrue(list.out.contains("4 of 4 records shown, 0 of them replayed already"), list.out);
    assertTrue(list.out.contains("validation"), list.out);

    Result old = cli(conf, "replay", "--reason", "database not found");
    assertEquals(0, old.exit, old.out);
    assertTrue(old.out.contains("replayed 2 records (2 lines)"), old.out);
    Result crlf = cli(conf, "replay", "--stage", "validation", "--fix-crlf");
    assertEquals(0, crlf.exit, crlf.out);
    assertTrue(crlf.out.contains("replayed 2 records (2 lines)"), crlf.out);
    assertEquals(19, Await.value(edge::count, 19, Duration.ofSeconds(30)));

    JsonArray replay = values("SELECT v, ok, s FROM replay");
    assertEquals(new JsonArray().add("2023-11-14T22:13:20.000000001Z").add(1).add(true).addNull(), replay.getJsonArray(0));
    assertEquals(new JsonArray().add("2023-11-14T22:13:20.000000002Z").add(2).addNull().add("a \"q\""), replay.getJsonArray(1));
    assertEquals(List.of(3, 4), values("SELECT v FROM crlf").stream().map(r -> ((JsonArray) r).getInteger(1)).toList());

    Result again = cli(conf, "replay", "--all");
    assertEquals(0, again.exit, again.out);
    assertTrue(again.out.contains("replayed 0 records") && again.out.contains("4 selected records were replayed before"), again.out);
    assertEquals(4, lines(deadLetter), "a replayed line is not dead-lettered again");
  }

  private static String record(String reason, String line) {
    return new JsonObject().put("time", "2026-11-28T10:00:00Z").put("stage", "influxdb").put("reason", reason)
        .put("batch", 3).put("line", line).encode() + "\n";
  }

  private static JsonArray values(String query) {
    JsonObject r = central.influxd.query("late_db", query);
    return r.getJsonArray("results").getJsonObject(0).getJsonArray("series").getJsonObject(0).getJsonArray("values");
  }

  private static long lines(Path file) {
    try {
      return Files.exists(file) ? Files.readAllLines(file).size() : 0;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private record Result(int exit, String out) {
  }

  private static Result cli(Path conf, String... args) throws Exception {
    String jar = System.getProperty("outflux.jar", "target/outflux.jar");
    List<String> command = new java.util.ArrayList<>(List.of("bin/outflux", "deadletter"));
    command.addAll(List.of(args));
    command.addAll(List.of("--conf", conf.toString()));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("OUTFLUX_JAR", jar);
    pb.environment().put("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    return new Result(p.exitValue(), out);
  }
}
