package io.outflux.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.lineprotocol.Precision;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LineFilterTest {

  private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");
  private final LineFilter filter = new LineFilter(Precision.NS, 1000);

  private void run(String text, long fileOffset) {
    Buffer buf = Buffer.buffer(text.getBytes(StandardCharsets.ISO_8859_1));
    filter.filter(buf, buf.length(), fileOffset, "metrics.lp", offset -> 42L, NOW);
  }

  @Test
  void validLinesPassUnchangedAndAPartialLastLineWaits() {
    run("cpu v=1 1\ncpu v=2 2\ncpu v=", 0);
    assertEquals("cpu v=1 1\ncpu v=2 2\n", filter.out.toString());
    assertEquals(2, filter.lines);
    assertEquals(20, filter.consumed);
    assertTrue(filter.dead.isEmpty());
  }

  @Test
  void linesWithoutTimestampGetTheReadTimeAndCrlfIsNormalised() {
    run("cpu v=1\r\ncpu v=2 7\r\nmem free=3i  \n", 0);
    assertEquals("cpu v=1 42\ncpu v=2 7\nmem free=3i 42\n", filter.out.toString());
    assertEquals(3, filter.lines);
    assertEquals(34, filter.consumed, "offsets count the original bytes, CRs included");
  }

  @Test
  void theStamperIsAskedWithEachUntimedLinesFileOffset() {
    Buffer buf = Buffer.buffer("a v=1 5\nb v=2\nc v=3\n");
    filter.filter(buf, buf.length(), 100, "f", offset -> offset, NOW);
    assertEquals("a v=1 5\nb v=2 108\nc v=3 114\n", filter.out.toString());
  }

  @Test
  void blankAndCommentLinesAreSkippedAndInvalidLinesDeadLetteredWithTheirFileOffset() {
    run("# comment\n\ncpu v=1 1\nbad line here\ncpu v=2 2\n", 1000);
    assertEquals("cpu v=1 1\ncpu v=2 2\n", filter.out.toString());
    assertEquals(2, filter.lines);
    assertEquals(2, filter.skippedLines);
    assertEquals(1, filter.dead.size());
    DeadLetter d = filter.dead.get(0);
    assertEquals(1000 + 21, d.offset());
    JsonObject json = d.toJson();
    assertEquals("bad line here", json.getString("line"));
    assertEquals("metrics.lp", json.getString("file"));
    assertEquals("validation", json.getString("stage"));
    assertTrue(json.getString("reason").contains("column"), json.encode());
    assertEquals("2026-01-02T03:04:05Z", json.getString("time"));
  }

  @Test
  void invalidUtf8IsDeadLetteredAsBase64AndDoesNotBlockTheLinesBehind() {
    run("cpu,host=\u00ff\u00fe v=1 1\ncpu v=2 2\n", 0);
    assertEquals("cpu v=2 2\n", filter.out.toString());
    JsonObject json = filter.dead.get(0).toJson();
    assertFalse(json.containsKey("line"));
    assertTrue(json.containsKey("lineBase64"));
  }

  @Test
  void theLinesThatCrashInfluxd16AreDeadLettered() {
    run("0 \\\\=\"=\"\ncpu v=2 2\n", 0);
    assertEquals("cpu v=2 2\n", filter.out.toString());
    assertEquals(1, filter.dead.size());
  }

  @Test
  void stopsAtTheLineLimit() {
    LineFilter two = new LineFilter(Precision.NS, 2);
    Buffer buf = Buffer.buffer("a v=1 1\nb v=1 1\nc v=1 1\n");
    two.filter(buf, buf.length(), 0, "f", offset -> 1L, NOW);
    assertEquals(2, two.lines);
    assertEquals(16, two.consumed);
  }

  @Test
  void aPunchedRegionIsSkippedAndTheFragmentBehindItIsNotSent() {
    String hole = "\0".repeat(LineFilter.HOLE_MIN);
    run(hole + "ue=1i 5\ncpu v=2 2\n", 0);
    assertEquals("cpu v=2 2\n", filter.out.toString());
    assertEquals(LineFilter.HOLE_MIN, filter.holeBytes);
    assertEquals(1, filter.dead.size());
    assertEquals(LineFilter.HOLE_MIN, filter.dead.get(0).offset());
    run(hole, 0);
    assertEquals(LineFilter.HOLE_MIN, filter.consumed, "a hole up to the end of the read is consumed");
    assertEquals(0, filter.lines);
  }

  @Test
  void aFewNulBytesAreGarbageAndDeadLetteredWithAllTheirBytes() {
    run("\0\0\0m v=1 1\ncpu v=2 2\n", 0);
    assertEquals("cpu v=2 2\n", filter.out.toString());
    assertEquals(0, filter.holeBytes);
    assertEquals(1, filter.dead.size());
    assertEquals(10, filter.dead.get(0).line().length);
  }

  @Test
  void noNewlineAtAllConsumesNothing() {
    run("cpu v=1 1", 0);
    assertEquals(0, filter.consumed);
    assertEquals(0, filter.lines);
  }
}
