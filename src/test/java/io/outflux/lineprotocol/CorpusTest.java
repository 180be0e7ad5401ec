package io.outflux.lineprotocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs every decode case of InfluxData's line-protocol corpus (MIT, copied with its licence into
 * src/test/resources/testdata) through the scanner, split into lines as the spool tailer splits
 * them, and checks accept/reject against the reference decoder's expected outcome.
 */
class CorpusTest {

  /**
   * A raw '\n' inside a quoted string value: the reference decoder reads the whole text and lets
   * a string span lines, while the spool is split at every '\n' before validation (that is what
   * lets the tailer checkpoint, batch and dead-letter line by line). Each piece is then an invalid
   * line of its own and is dead-lettered, not lost. Writers escape newlines in strings anyway.
   */
  private static final String NEWLINE_IN_STRING =
      "raw newline inside a string field: the spool splits lines at every newline";

  /** Cases where outflux deliberately disagrees with the reference, with the reason. */
  static final Map<String, String> DELIBERATE_DIFFERENCES = Map.of(
      "03587a8601548738fc042dd58b543b18", NEWLINE_IN_STRING, // cpu value="4\n2"
      "1920631063070dc5f130912501e2bda7", NEWLINE_IN_STRING, // cpu value="4\n2"
      "3a9555c366b44647917f719905a7c24a", NEWLINE_IN_STRING, // ...,str="foo\nbar" 1000000000
      "729d6399404d2f6cfe3fd8684805e608", NEWLINE_IN_STRING, // u r="o\n"
      "e5b9b752996fda7a9b83071e56e40c4e", NEWLINE_IN_STRING); // ...,str="foo\nbar" 1000000000

  /** Inputs that crash InfluxDB 1.6.7 (panic in models.(*point).StringValue). */
  static final List<String> INFLUXD_CRASHERS =
      List.of("4e8bcb126274d3290789538902dab6ee", "7529a5c159c867cbcbe9c665f8faa2ac");

  private static JsonObject decodeCases;

  @BeforeAll
  static void loadCorpus() throws IOException {
    try (InputStream in = CorpusTest.class.getResourceAsStream(
        "/testdata/line-protocol-corpus.json")) {
      assertNotNull(in, "corpus missing from test resources");
      decodeCases = new JsonObject(Buffer.buffer(in.readAllBytes())).getJsonObject("decode");
    }
  }

  @Test
  void everyDecodeCaseMatchesTheReferenceGrammarExceptTheListedOnes() {
    assertEquals(6615, decodeCases.size(), "decode cases in the corpus");
    Map<String, String> differ = new TreeMap<>();
    int acceptAgree = 0;
    int rejectAgree = 0;
    for (String key : decodeCases.fieldNames()) {
      JsonObject entry = decodeCases.getJsonObject(key);
      boolean expectAccept = !entry.getJsonObject("output").containsKey("error");
      Outcome ours = scanCase(entry.getJsonObject("input"));
      if (ours.accepted() == expectAccept) {
        if (expectAccept) {
          acceptAgree++;
        } else {
          rejectAgree++;
        }
      } else {
        differ.put(key, (expectAccept ? "corpus accepts, we reject: " : "corpus rejects, we accept: ")
            + ours.detail() + " | " + describe(entry));
      }
    }
    System.out.printf("line-protocol corpus: %d cases, %d agree (%d accepted, %d rejected), "
        + "%d differ (deliberate: %d)%n", decodeCases.size(), acceptAgree + rejectAgree,
        acceptAgree, rejectAgree, differ.size(), DELIBERATE_DIFFERENCES.size());
    differ.forEach((k, v) -> System.out.println("  differs " + k + " ("
        + DELIBERATE_DIFFERENCES.getOrDefault(k, "NOT LISTED") + "): " + v));
    assertEquals(new TreeSet<>(DELIBERATE_DIFFERENCES.keySet()), new TreeSet<>(differ.keySet()),
        "cases that differ from the corpus must be exactly the deliberate ones");
    assertTrue(differ.size() <= 10, "too many deliberate differences: " + differ.size());
  }

  @Test
  void theTwoInputsThatCrashInfluxd167AreRejected() {
    for (String key : INFLUXD_CRASHERS) {
      JsonObject entry = decodeCases.getJsonObject(key);
      assertNotNull(entry, key);
      assertTrue(entry.getJsonObject("output").containsKey("error"), "corpus rejects " + key);
      Outcome ours = scanCase(entry.getJsonObject("input"));
      assertTrue(!ours.accepted(), "must dead-letter " + key + ": " + describe(entry));
    }
  }

  /** The case text as the spool would see it: split at '\n', each line scanned on its own. */
  static Outcome scanCase(JsonObject input) {
    byte[] text = text(input);
    LineScanner scanner = new LineScanner(precision(input.getString("precision")));
    LineInfo info = new LineInfo();
    List<String> kinds = new ArrayList<>();
    int pos = 0;
    while (pos <= text.length) {
      int nl = Newlines.indexOf(text, pos, text.length);
      int end = nl < 0 ? text.length : nl;
      LineKind kind = scanner.scan(text, pos, end, info);
      if (kind == LineKind.ERROR) {
        return new Outcome(false, "line " + (kinds.size() + 1) + ": " + info.reason());
      }
      kinds.add(kind.name());
      pos = end + 1;
    }
    return new Outcome(true, String.join(",", kinds));
  }

  static byte[] text(JsonObject input) {
    Object text = input.getValue("text");
    if (text instanceof String s) {
      return s.getBytes(StandardCharsets.UTF_8);
    }
    return Base64.getDecoder().decode(((JsonObject) text).getString("binary"));
  }

  static Precision precision(String corpusPrecision) {
    return switch (corpusPrecision) {
      case "1ns" -> Precision.NS;
      case "1µs" -> Precision.US;
      case "1ms" -> Precision.MS;
      case "1s" -> Precision.S;
      default -> throw new IllegalArgumentException("precision " + corpusPrecision);
    };
  }

  private static String describe(JsonObject entry) {
    JsonObject output = entry.getJsonObject("output");
    return "text " + Json.encode(entry.getJsonObject("input").getValue("text")) + " -> "
        + (output.containsKey("error") ? "error " + output.getString("error") : "result");
  }

  record Outcome(boolean accepted, String detail) {
  }
}
