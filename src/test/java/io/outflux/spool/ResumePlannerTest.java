package io.outflux.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResumePlannerTest {

  @TempDir
  Path dir;

  private static byte[] lines(int from, int to) {
    StringBuilder sb = new StringBuilder();
    for (int i = from; i < to; i++) {
      sb.append("cpu,host=a v=").append(i).append("i ").append(1_700_000_000_000L + i).append('\n');
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  private Checkpoint checkpointAt(Path file, long offset, long seen) throws Exception {
    byte[] all = Files.readAllBytes(file);
    String tail = Base64.getEncoder().encodeToString(Arrays.copyOfRange(all, (int) offset - 32, (int) offset));
    return new Checkpoint(new SpoolPosition(FileId.of(file), file.getFileName().toString(), offset, tail), 5, null,
        seen);
  }

  private ResumePlanner.ResumePoint plan(Path spool, Checkpoint c, List<LossLedger.Loss> losses, Set<FileId> done) {
    SpoolConfig config = SpoolConfig.defaults(spool);
    return ResumePlanner.plan(new SpoolFiles(spool, SpoolFiles.ownNames(config)), c, new StampJournal(dir.resolve("stamps")), new Compactor(), done,
        losses);
  }

  @Test
  void aCopytruncateWhileStoppedResumesInTheCopyAtTheCheckpointAndKeepsIt() throws Exception {
    Path spool = dir.resolve("metrics.lp");
    Files.write(spool, lines(0, 100));
    long offset = lines(0, 60).length;
    Checkpoint c = checkpointAt(spool, offset, Files.size(spool));
    Path copy = dir.resolve("metrics.2026-11-29-1764400000.lp");
    Files.copy(spool, copy);
    Files.write(spool, new byte[0], StandardOpenOption.TRUNCATE_EXISTING);
    Files.write(spool, lines(100, 110), StandardOpenOption.APPEND);
    List<LossLedger.Loss> losses = new ArrayList<>();
    Set<FileId> done = new HashSet<>();
    ResumePlanner.ResumePoint r = plan(spool, c, losses, done);
    assertEquals(copy, r.file().path());
    assertEquals(offset, r.offset());
    assertTrue(losses.isEmpty(), "" + losses);
    assertTrue(Files.exists(copy), "the copy holds unsynced lines: never deleted");
    assertTrue(done.isEmpty(), "the truncated active file is read again from its start after the copy");
  }

  @Test
  void aLogrotateCopytruncateToNameDotOneWhileStoppedResumesInTheCopy() throws Exception {
    Path spool = dir.resolve("metrics.lp");
    Files.write(spool, lines(0, 100));
    long offset = lines(0, 60).length;
    Checkpoint c = checkpointAt(spool, offset, Files.size(spool));
    Path older = dir.resolve("metrics.lp.2"); // an earlier rotation's copy, wholly synced
    Files.write(older, lines(-10, 0));
    Files.setLastModifiedTime(older, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
    Path copy = dir.resolve("metrics.lp.1");
    Files.copy(spool, copy);
    Files.write(spool, new byte[0], StandardOpenOption.TRUNCATE_EXISTING);
    List<LossLedger.Loss> losses = new ArrayList<>();
    Set<FileId> done = new HashSet<>();
    ResumePlanner.ResumePoint r = plan(spool, c, losses, done);
    assertEquals(copy, r.file().path());
    assertEquals(offset, r.offset());
    assertTrue(losses.isEmpty(), "" + losses);
    assertTrue(Files.exists(copy));
    assertTrue(!Files.exists(older), "the older copy came before the checkpoint's content: synced, deleted");
  }

  @Test
  void aLogrotateCreateRotationToNameDotOneWhileStoppedIsFoundByItsInode() throws Exception {
    Path spool = dir.resolve("metrics.lp");
    Files.write(spool, lines(0, 100));
    long offset = lines(0, 60).length;
    Checkpoint c = checkpointAt(spool, offset, Files.size(spool));
    Path rotated = dir.resolve("metrics.lp.1");
    Files.move(spool, rotated);
    Files.write(spool, lines(100, 110));
    List<LossLedger.Loss> losses = new ArrayList<>();
    ResumePlanner.ResumePoint r = plan(spool, c, losses, new HashSet<>());
    assertEquals(rotated, r.file().path());
    assertEquals(offset, r.offset());
    assertTrue(losses.isEmpty(), "" + losses);
  }

  @Test
  void aCompressedCopyWhileStoppedIsALossOfExactlyItsUnsyncedBytesAndLinesNamingTheCopy() throws Exception {
    Path spool = dir.resolve("metrics.lp");
    Files.write(spool, lines(0, 100));
    long offset = lines(0, 60).length;
    Checkpoint c = checkpointAt(spool, offset, offset + 5); // the client saw little of what came after
    UnaccountedFilesTest.gzip(spool, dir.resolve("metrics.lp.1.gz"));
    Files.write(spool, lines(100, 110), StandardOpenOption.TRUNCATE_EXISTING);
    List<LossLedger.Loss> losses = new ArrayList<>();
    assertNull(plan(spool, c, losses, new HashSet<>()));
    assertEquals(1, losses.size());
    assertEquals(lines(60, 100).length, losses.get(0).bytes(), "measured in the copy, not the size last seen");
    assertEquals(40, losses.get(0).lines());
    assertTrue(losses.get(0).cause().contains("metrics.lp.1.gz") && losses.get(0).cause().contains("zcat"),
        losses.get(0).cause());
  }

  @Test
  void aFileRotatedAndDeletedBeforeItWasSyncedIsALossOfExactlyTheUnsyncedBytesSeen() throws Exception {
    Path spool = dir.resolve("metrics.lp");
    Files.write(spool, lines(0, 100));
    long offset = lines(0, 60).length;
    Checkpoint c = checkpointAt(spool, offset, Files.size(spool));
    long size = Files.size(spool);
    Files.delete(spool); // rotation_max_archives = 0
    Files.write(spool, lines(100, 150));
    List<LossLedger.Loss> losses = new ArrayList<>();
    assertNull(plan(spool, c, losses, new HashSet<>()), "the new file is read from its start");
    assertEquals(1, losses.size());
    assertEquals(size - offset, losses.get(0).bytes());
    assertTrue(losses.get(0).cause().contains("rotation_max_archives"), losses.get(0).cause());
    assertEquals(-1, losses.get(0).lines(), "the bytes are gone: their lines are unknown, not guessed");
  }

  @Test
  void aNewFileReusingTheInodeIsNotTakenForTheCheckpointsFile() throws Exception {
    Path spool = dir.resolve("metrics.lp");
    Files.write(spool, lines(0, 100));
    long offset = lines(0, 60).length;
    Checkpoint c = checkpointAt(spool, offset, Files.size(spool));
    Files.write(spool, lines(500, 700)); // same inode, other content, longer than the offset
    List<LossLedger.Loss> losses = new ArrayList<>();
    assertNull(plan(spool, c, losses, new HashSet<>()));
    assertEquals(1, losses.size());
    assertEquals(lines(0, 100).length - offset, losses.get(0).bytes());
  }

  @Test
  void theCheckpointsFileUnchangedResumesThereWithoutALoss() throws Exception {
    Path spool = dir.resolve("metrics.lp");
    Files.write(spool, lines(0, 100));
    long offset = lines(0, 60).length;
    Checkpoint c = checkpointAt(spool, offset, Files.size(spool));
    List<LossLedger.Loss> losses = new ArrayList<>();
    ResumePlanner.ResumePoint r = plan(spool, c, losses, new HashSet<>());
    assertEquals(spool.toAbsolutePath(), r.file().path());
    assertEquals(offset, r.offset());
    assertTrue(losses.isEmpty());
  }

  @Test
  void theLossLedgerListsAndAcknowledges() {
    LossLedger ledger = new LossLedger(dir.resolve("cp.losses"));
    ledger.record(new LossLedger.Loss(java.time.Instant.EPOCH, "metrics.lp", 400, -1, "deleted", false));
    assertEquals(1, ledger.status().getInteger("unacknowledged"));
    assertEquals(1, ledger.ackAll());
    assertEquals(0, ledger.status().getInteger("unacknowledged"));
    assertTrue(ledger.list().get(0).acked());
  }
}
