package io.outflux.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the spool's complete lines end: the target of a flush and the end of the backlog. */
class SpoolEndTest {

  @TempDir
  Path dir;

  @Test
  void aHalfWrittenLastLineIsNotPartOfTheEnd() throws Exception {
    Path spool = Files.writeString(dir.resolve("metrics.lp"), "a v=1\nb v=2\nc v=", StandardCharsets.UTF_8);
    assertEquals(12, SpoolEnd.of(spool, null, SpoolEnd.EXACT).offset());
    assertEquals(FileId.of(spool), SpoolEnd.of(spool, null, SpoolEnd.EXACT).file());
  }

  @Test
  void aCaughtUpReaderBoundsTheLookBackToTheUnfinishedLine() throws Exception {
    Path spool = Files.writeString(dir.resolve("metrics.lp"), "a v=1\n" + "x".repeat(100), StandardCharsets.UTF_8);
    SpoolPosition read = new SpoolPosition(FileId.of(spool), "metrics.lp", 6, "");
    assertEquals(6, SpoolEnd.of(spool, read, SpoolEnd.ESTIMATE_LOOK_BACK).offset(), "no newline after the read offset");
    SpoolPosition elsewhere = new SpoolPosition(new FileId(1, 2), "metrics.lp.1", 6, "");
    assertEquals(6, SpoolEnd.of(spool, elsewhere, SpoolEnd.EXACT).offset(), "a reader on another file bounds nothing");
  }

  @Test
  void aLastLineLongerThanTheEstimateLookBackCountsByTheSize() throws Exception {
    String text = "a v=1\n" + "x".repeat((int) SpoolEnd.ESTIMATE_LOOK_BACK + 10);
    Path spool = Files.writeString(dir.resolve("metrics.lp"), text, StandardCharsets.UTF_8);
    assertEquals(text.length(), SpoolEnd.of(spool, null, SpoolEnd.ESTIMATE_LOOK_BACK).offset(), "an estimate");
    assertEquals(6, SpoolEnd.of(spool, null, SpoolEnd.EXACT).offset(), "a flush looks as far as it must");
  }

  @Test
  void aMissingSpoolEndsAtItsStart() throws Exception {
    assertEquals(SpoolPosition.START, SpoolEnd.of(dir.resolve("none.lp"), null, SpoolEnd.EXACT));
  }
}
