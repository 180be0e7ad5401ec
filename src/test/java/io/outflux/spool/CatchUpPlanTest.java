package io.outflux.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.spool.ResumePlanner.ResumePoint;
import io.outflux.spool.SpoolFiles.SpoolFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatchUpPlanTest {

  private static final String LINE = "cpu,host=a usage=1 1700000000000000000\n"; // 39 bytes

  private static String lines(int n) {
    return LINE.repeat(n);
  }

  @Test
  void oldestFirstNeverSplits(@TempDir Path dir) throws Exception {
    Path spool = Files.writeString(dir.resolve("metrics.lp"), lines(1000));
    assertNull(CatchUpPlan.plan(new SpoolFiles(spool), Checkpoint.EMPTY, null, CatchUpOrder.OLDEST_FIRST, 1));
  }

  @Test
  void aBacklogBelowTheThresholdIsNotSplit(@TempDir Path dir) throws Exception {
    Path spool = Files.writeString(dir.resolve("metrics.lp"), lines(1000));
    assertNull(CatchUpPlan.plan(new SpoolFiles(spool), Checkpoint.EMPTY, null, CatchUpOrder.NEWEST_FIRST, 39_001));
  }

  @Test
  void theBoundaryIsTheEndOfTheActiveFilesCompleteLinesWithTheBytesBeforeIt(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("metrics.2026-11-20-1763600000.lp"), lines(500));
    Path spool = Files.writeString(dir.resolve("metrics.lp"), lines(500) + "cpu,host=a usage=2"); // half a line
    SpoolFiles files = new SpoolFiles(spool);
    CatchUpPlan.Segments s = CatchUpPlan.plan(files, Checkpoint.EMPTY, null, CatchUpOrder.NEWEST_FIRST, 30_000);
    assertNotNull(s);
    assertEquals(FileId.of(spool), s.boundary().file());
    assertEquals(500L * LINE.length(), s.boundary().offset(), "the half line is left to the live reader");
    assertEquals(LINE.substring(LINE.length() - 32), new String(Base64.getDecoder().decode(s.boundary().tail()),
        StandardCharsets.UTF_8));
    assertEquals(s.boundary(), s.live());
    assertEquals(s.boundary().offset(), s.liveResume().offset());
    assertTrue(s.liveDone().contains(FileId.of(dir.resolve("metrics.2026-11-20-1763600000.lp"))),
        "the live reader never reads the history's archives");
    assertTrue(Compactor.tailMatches(spool, s.boundary()));
  }

  @Test
  void theBacklogCountsFromTheResumePoint(@TempDir Path dir) throws Exception {
    Path spool = Files.writeString(dir.resolve("metrics.lp"), lines(1000));
    SpoolFiles files = new SpoolFiles(spool);
    SpoolFile active = files.scan().get(0);
    ResumePoint nearTheEnd = new ResumePoint(active, 990L * LINE.length());
    assertNull(CatchUpPlan.plan(files, Checkpoint.EMPTY, nearTheEnd, CatchUpOrder.NEWEST_FIRST, 1_000));
    ResumePoint early = new ResumePoint(active, 10L * LINE.length());
    assertNotNull(CatchUpPlan.plan(files, Checkpoint.EMPTY, early, CatchUpOrder.NEWEST_FIRST, 1_000));
  }

  @Test
  void aVersion3CheckpointResumesBothSegmentsWhenItsFilesStillMatch(@TempDir Path dir) throws Exception {
    Path archive = Files.writeString(dir.resolve("metrics.2026-11-20-1763600000.lp"), lines(500));
    Path spool = Files.writeString(dir.resolve("metrics.lp"), lines(800));
    SpoolFiles files = new SpoolFiles(spool);
    List<SpoolFile> list = files.scan();
    SpoolPosition history = position(archive, 100);
    SpoolPosition boundary = position(archive, 500); // Telegraf rotated the boundary's file since
    SpoolPosition live = position(spool, 300);
    Checkpoint cp = new Checkpoint(history, 9, new Checkpoint.CatchUp(boundary, live));
    CatchUpPlan.Segments s = CatchUpPlan.plan(files, cp, new ResumePoint(list.get(0), history.offset()),
        CatchUpOrder.NEWEST_FIRST, Long.MAX_VALUE);
    assertNotNull(s, "resumed whatever the threshold");
    assertEquals(boundary, s.boundary());
    assertEquals(live, s.live());
    assertEquals(list.get(1).id(), s.liveResume().file().id());
    assertEquals(List.of(new ReadFiles.Finished(FileId.of(archive), Files.size(archive))), s.liveFinished(),
        "the boundary's file, wholly read by live, is deleted once history passes it");
  }

  @Test
  void aVersion3CheckpointWhoseLivePositionNoLongerMatchesIsSplitAnew(@TempDir Path dir) throws Exception {
    Path spool = Files.writeString(dir.resolve("metrics.lp"), lines(800));
    SpoolFiles files = new SpoolFiles(spool);
    SpoolPosition boundary = position(spool, 500);
    SpoolPosition live = new SpoolPosition(FileId.of(spool), "metrics.lp", 600L * LINE.length(), "bm90IHRoZXNlIGJ5dGVz");
    Checkpoint cp = new Checkpoint(position(spool, 100), 9, new Checkpoint.CatchUp(boundary, live));
    CatchUpPlan.Segments s = CatchUpPlan.plan(files, cp, new ResumePoint(files.scan().get(0), 100L * LINE.length()),
        CatchUpOrder.NEWEST_FIRST, 1);
    assertNotNull(s);
    assertEquals(800L * LINE.length(), s.boundary().offset(), "split at the current end: the old live lines are resent");
  }

  private static SpoolPosition position(Path file, int linesBefore) throws Exception {
    long offset = (long) linesBefore * LINE.length();
    String tail = Base64.getEncoder().encodeToString(LINE.substring(LINE.length() - 32).getBytes(StandardCharsets.UTF_8));
    return new SpoolPosition(FileId.of(file), file.getFileName().toString(), offset, tail);
  }
}
