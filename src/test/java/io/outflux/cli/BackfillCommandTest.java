package io.outflux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackfillCommandTest {

  private static final Instant NOW = Instant.parse("2026-11-29T06:00:00Z");
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(Path conf, String... args) {
    List<String> argv = new ArrayList<>(List.of(args));
    if (conf != null) {
      argv.add("--conf");
      argv.add(conf.toString());
    }
    return BackfillCommand.run(argv, Map.of(), NOW, new PrintStream(out, true), new PrintStream(err, true));
  }

  @Test
  void timesAreRfc3339DatesOrRelativeToNow() {
    assertEquals(Instant.parse("2026-11-28T10:00:00.5Z"), BackfillCommand.time("2026-11-28T10:00:00.5Z", NOW));
    assertEquals(Instant.parse("2026-11-28T00:00:00Z"), BackfillCommand.time("2026-11-28", NOW));
    assertEquals(Instant.parse("2026-11-28T06:00:00Z"), BackfillCommand.time("now-24h", NOW));
    assertEquals(NOW, BackfillCommand.time("now", NOW));
    assertThrows(IllegalArgumentException.class, () -> BackfillCommand.time("yesterday", NOW));
  }

  @Test
  void fromIsRequiredAndMustBeBeforeTo() {
    assertEquals(BackfillCommand.EXIT_USAGE, run(null, "--to", "now"));
    assertTrue(err.toString().contains("Missing required option: '--from=TIME'"), err.toString());
    assertEquals(BackfillCommand.EXIT_USAGE, run(null, "--from", "now", "--to", "now-1h"));
    assertTrue(err.toString().contains("is not before"), err.toString());
    assertEquals(BackfillCommand.EXIT_USAGE, run(null, "--from", "now-1h", "--frmo", "x"));
  }

  @Test
  void withoutAnEdgeSectionOrVerifyWithoutCentralTheCommandSaysWhatIsMissing(@TempDir Path dir) throws Exception {
    JsonObject json = new JsonObject(Files.readString(Path.of("conf/client.json")));
    json.put("spool", new JsonObject().put("path", dir.resolve("m.lp").toString()));
    Path withEdge = Files.writeString(dir.resolve("a.json"), json.encode());
    assertEquals(BackfillCommand.EXIT_USAGE, run(withEdge, "--from", "now-1h", "--verify"));
    assertTrue(err.toString().contains("--verify needs a \"central\" section"), err.toString());
    json.remove("edge");
    Path noEdge = Files.writeString(dir.resolve("b.json"), json.encode());
    assertEquals(BackfillCommand.EXIT_USAGE, run(noEdge, "--from", "now-1h"));
    assertTrue(err.toString().contains("has no \"edge\" section"), err.toString());
  }
}
