package io.outflux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeadLetterCommandTest {

  @TempDir
  Path dir;
  private Path conf;
  private Path spool;
  private Path deadLetter;
  private ByteArrayOutputStream out;
  private ByteArrayOutputStream err;

  @BeforeEach
  void config() throws Exception {
    spool = dir.resolve("metrics.lp");
    deadLetter = dir.resolve("metrics.lp.deadletter");
    JsonObject json = new JsonObject(Files.readString(Path.of("conf/client.json")));
    json.put("spool", new JsonObject().put("path", spool.toString()));
    conf = Files.writeString(dir.resolve("client.json"), json.encodePrettily());
    Files.writeString(spool, "cpu v=1 1\n");
  }

  private int run(String... args) {
    out = new ByteArrayOutputStream();
    err = new ByteArrayOutputStream();
    List<String> argv = new ArrayList<>(List.of(args));
    argv.add("--conf");
    argv.add(conf.toString());
    return DeadLetterCommand.run(argv, Map.of(), new PrintStream(out, true), new PrintStream(err, true));
  }

  private void letters(JsonObject... records) throws Exception {
    StringBuilder sb = new StringBuilder();
    for (JsonObject r : records) {
      sb.append(r.encode()).append('\n');
    }
    Files.writeString(deadLetter, sb.toString(), StandardCharsets.UTF_8,
        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
  }

  private static JsonObject letter(String stage, String reason, String line) {
    return new JsonObject().put("time", "2026-11-29T05:49:31.496Z").put("stage", stage).put("reason", reason)
        .put("line", line);
  }

  private String spoolText() throws Exception {
    return Files.readString(spool);
  }

  @Test
  void listShowsEachRecordWithItsNumberStageAndReason() throws Exception {
    letters(letter("validation", "bad timestamp", "cpu v=1 12x"), letter("influxdb", "database not found: \"late\"", "mem v=2 2"));
    assertEquals(0, run("list"));
    String text = out.toString();
    assertTrue(text.contains("#1") && text.contains("bad timestamp") && text.contains("cpu v=1 12x"), text);
    assertTrue(text.contains("#2") && text.contains("database not found"), text);
    assertTrue(text.contains("2 of 2 records shown, 0 of them replayed already"), text);
    assertEquals(0, run("list", "--reason", "DATABASE"));
    assertTrue(out.toString().contains("1 of 2 records shown"), out.toString());
  }

  @Test
  void showPrintsTheWholeRecordAndFailsForAMissingNumber() throws Exception {
    letters(letter("influxdb", "database not found", "mem v=2 2"));
    assertEquals(0, run("show", "1"));
    assertTrue(out.toString().contains("\"line\" : \"mem v=2 2\""), out.toString());
    assertEquals(DeadLetterCommand.EXIT_SKIPPED, run("show", "7"));
    assertTrue(err.toString().contains("no record [7]"), err.toString());
  }

  @Test
  void replayAppendsTheSelectedLinesToTheSpoolOnlyOnce() throws Exception {
    letters(letter("influxdb", "database not found", "mem v=2 2"), letter("influxdb", "field type conflict", "mem v=\"s\" 3"),
        letter("influxdb", "database not found", "mem v=4 4"));
    assertEquals(0, run("replay", "--reason", "database not found"));
    assertTrue(out.toString().contains("replayed 2 records (2 lines)"), out.toString());
    assertEquals("cpu v=1 1\nmem v=2 2\nmem v=4 4\n", spoolText());

    assertEquals(0, run("replay", "--all"));
    assertTrue(out.toString().contains("replayed 1 records (1 lines)") && out.toString().contains("2 selected records were replayed before"),
        out.toString());
    assertEquals("cpu v=1 1\nmem v=2 2\nmem v=4 4\nmem v=\"s\" 3\n", spoolText());
    assertEquals(0, run("list"));
    assertTrue(out.toString().contains("3 of them replayed already"), out.toString());
  }

  @Test
  void fixCrlfCutsAtCarriageReturnsAndWithoutItTheLineIsLeftAlone() throws Exception {
    letters(letter("validation", "invalid timestamp", "cpu v=5 5\r\r"), letter("validation", "invalid field", "a v=6 6\rb v=7 7"));
    assertEquals(DeadLetterCommand.EXIT_SKIPPED, run("replay", "--all"));
    assertTrue(err.toString().contains("not replayed #1: still not valid line protocol"), err.toString());
    assertEquals("cpu v=1 1\n", spoolText());

    assertEquals(0, run("replay", "--all", "--fix-crlf"));
    assertTrue(out.toString().contains("replayed 2 records (3 lines)"), out.toString());
    assertEquals("cpu v=1 1\ncpu v=5 5\na v=6 6\nb v=7 7\n", spoolText());
  }

  @Test
  void recordsWithoutAWholeLineAreNotReplayable() throws Exception {
    letters(letter("oversized", "too long", "m v=\"xxx").put("truncated", true),
        new JsonObject().put("stage", "influxdb").put("reason", "field type conflict (3 points, not named by InfluxDB)").put("line", ""));
    assertEquals(DeadLetterCommand.EXIT_SKIPPED, run("replay", "--all"));
    assertTrue(err.toString().contains("#1: only the first bytes"), err.toString());
    assertTrue(err.toString().contains("#2: the record holds no line"), err.toString());
    assertEquals("cpu v=1 1\n", spoolText());
  }

  @Test
  void aBase64LineIsReplayedAsItsBytes() throws Exception {
    letters(new JsonObject().put("stage", "influxdb").put("reason", "x")
        .put("lineBase64", Base64.getEncoder().encodeToString("t v=8 8".getBytes(StandardCharsets.UTF_8))));
    assertEquals(0, run("replay", "1"));
    assertEquals("cpu v=1 1\nt v=8 8\n", spoolText());
  }

  @Test
  void dryRunWritesNothingAndATornLastRecordIsLeftForLater() throws Exception {
    letters(letter("influxdb", "x", "mem v=2 2"));
    Files.writeString(deadLetter, "{\"stage\":\"influxdb\",\"line\":\"mem v=3", java.nio.file.StandardOpenOption.APPEND);
    assertEquals(0, run("replay", "--all", "--dry-run"));
    assertTrue(out.toString().contains("would replay 1 records"), out.toString());
    assertEquals("cpu v=1 1\n", spoolText());
    assertFalse(Files.exists(dir.resolve("metrics.lp.deadletter.replayed")));
  }

  @Test
  void replayWithoutASelectionIsAUsageError() {
    assertEquals(DeadLetterCommand.EXIT_USAGE, run("replay"));
    assertTrue(err.toString().contains("replay needs record numbers"), err.toString());
    assertEquals(DeadLetterCommand.EXIT_USAGE, run("purge"));
  }

  @Test
  void noDeadLetterFileMeansNothingToList() {
    assertEquals(0, run("list"));
    assertTrue(out.toString().contains("0 of 0 records shown"), out.toString());
  }
}
