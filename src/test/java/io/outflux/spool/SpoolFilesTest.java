package io.outflux.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolFilesTest {

  @Test
  void archivesAreNamedLikeTelegrafsRotateAndListedOldestFirstThenTheActiveFile(@TempDir Path dir) throws Exception {
    Path spool = dir.resolve("metrics.lp");
    SpoolFiles files = new SpoolFiles(spool);
    assertTrue(files.isArchiveName("metrics.2026-11-29-1764400000.lp"));
    assertFalse(files.isArchiveName("metrics.lp.checkpoint"));
    assertFalse(files.isArchiveName("metrics.lp.deadletter"));
    assertFalse(files.isArchiveName("other.2026-11-29-1764400000.lp"));
    Files.writeString(dir.resolve("metrics.2026-11-29-1764400100.lp"), "b\n");
    Files.writeString(dir.resolve("metrics.2026-11-28-1764300000.lp"), "a\n");
    Files.writeString(dir.resolve("metrics.2026-11-29-999.lp"), "0\n"); // sorted by the number, not the text
    Files.writeString(spool, "c\n");
    Files.writeString(dir.resolve("metrics.lp.checkpoint"), "{}");
    List<SpoolFiles.SpoolFile> list = files.scan();
    assertEquals(List.of("metrics.2026-11-29-999.lp", "metrics.2026-11-28-1764300000.lp",
        "metrics.2026-11-29-1764400100.lp", "metrics.lp"), list.stream().map(f -> f.path().getFileName().toString()).toList());
    assertTrue(list.get(3).active());
    assertEquals(FileId.of(spool), list.get(3).id());
  }

  @Test
  void logrotatesNamesAreArchivesOrderedByTheirTimeThenOlderNumberFirst(@TempDir Path dir) throws Exception {
    Path spool = dir.resolve("metrics.lp");
    SpoolFiles files = new SpoolFiles(spool);
    assertTrue(files.isArchiveName("metrics.lp.1"));
    assertTrue(files.isArchiveName("metrics.lp.12"));
    assertTrue(files.isArchiveName("metrics.lp-20261202"));
    assertTrue(files.isArchiveName("metrics.lp-2026120213"));
    assertTrue(files.isArchiveName("metrics.lp-20261202-1764700000"));
    assertFalse(files.isArchiveName("metrics.lp.1.gz"));
    assertFalse(files.isArchiveName("metrics.lp.x"));
    assertFalse(files.isArchiveName("other.lp.1"));
    FileTime t = FileTime.fromMillis(1_764_700_000_000L);
    Files.setLastModifiedTime(Files.writeString(dir.resolve("metrics.lp.1"), "c\n"), t);
    Files.setLastModifiedTime(Files.writeString(dir.resolve("metrics.lp.2"), "b\n"), t); // same second: 2 is older
    Files.setLastModifiedTime(Files.writeString(dir.resolve("metrics.lp.10"), "a\n"), FileTime.fromMillis(
        1_764_600_000_000L));
    Files.setLastModifiedTime(Files.writeString(dir.resolve("metrics.lp-20261202"), "d\n"), FileTime.fromMillis(
        1_764_800_000_000L));
    Files.writeString(dir.resolve("metrics.lp.1.gz"), "not read");
    Files.writeString(spool, "e\n");
    assertEquals(List.of("metrics.lp.10", "metrics.lp.2", "metrics.lp.1", "metrics.lp-20261202", "metrics.lp"),
        files.scan().stream().map(f -> f.path().getFileName().toString()).toList());
  }

  @Test
  void everyNameInTheDirectoryIsTheSpoolAnArchiveTheClientsOwnACopyItCannotReadOrUnrelated(@TempDir Path dir) {
    SpoolConfig config = SpoolConfig.defaults(dir.resolve("metrics.lp"));
    SpoolFiles files = new SpoolFiles(config.path(), SpoolFiles.ownNames(config));
    Map<String, SpoolFiles.Kind> expected = new LinkedHashMap<>();
    expected.put("metrics.lp", SpoolFiles.Kind.ACTIVE);
    expected.put("metrics.2026-11-29-1764400000.lp", SpoolFiles.Kind.ARCHIVE);
    expected.put("metrics.lp.3", SpoolFiles.Kind.ARCHIVE);
    expected.put("metrics.lp-20261202", SpoolFiles.Kind.ARCHIVE);
    expected.put("metrics.lp.checkpoint", SpoolFiles.Kind.UNRELATED);
    expected.put("metrics.lp.checkpoint.stamps", SpoolFiles.Kind.UNRELATED);
    expected.put("metrics.lp.checkpoint.losses", SpoolFiles.Kind.UNRELATED);
    expected.put("metrics.lp.deadletter.replayed", SpoolFiles.Kind.UNRELATED);
    expected.put("metrics.lp.1.gz", SpoolFiles.Kind.COMPRESSED);
    expected.put("metrics.lp-20261202.gz", SpoolFiles.Kind.COMPRESSED);
    expected.put("metrics.lp.xz", SpoolFiles.Kind.COMPRESSED);
    expected.put("metrics.2026-11-29-1764400000.lp.zst", SpoolFiles.Kind.COMPRESSED);
    expected.put("metrics.lp.bak", SpoolFiles.Kind.UNKNOWN);
    expected.put("metrics.lp~", SpoolFiles.Kind.UNKNOWN);
    expected.put("metrics-old.lp", SpoolFiles.Kind.UNKNOWN);
    expected.put("metricsX.lp", SpoolFiles.Kind.UNRELATED);
    expected.put("telegraf.log", SpoolFiles.Kind.UNRELATED);
    expected.forEach((name, kind) -> assertEquals(kind, files.kind(name), name));
  }

  @Test
  void aSpoolWithoutExtensionRotatesToStemDotDateDashSeconds(@TempDir Path dir) {
    SpoolFiles files = new SpoolFiles(dir.resolve("spool"));
    assertTrue(files.isArchiveName("spool.2026-11-29-1764400000"));
    assertFalse(files.isArchiveName("spool.checkpoint"));
  }

  @Test
  void checkpointsRoundTripWithTheirFileIdentityAndReadTheFirstFormat() {
    Checkpoint c = new Checkpoint(new SpoolPosition(new FileId(66, 1234), "metrics.lp", 999, "YWJj"), 17);
    assertEquals(c, Checkpoint.fromJson(new JsonObject(c.toJson().encode())));
    Checkpoint v1 = Checkpoint.fromJson(new JsonObject("{\"version\":1,\"offset\":5,\"lastAckedSeq\":3}"));
    assertEquals(FileId.UNKNOWN, v1.synced().file());
    assertEquals(3, v1.lastAckedSeq());
  }

  @Test
  void theHoleEndsOnABlockAndLeavesTheCheckpointTailReadable() {
    assertEquals(0, Compactor.holeEnd(4000));
    assertEquals(4096, Compactor.holeEnd(4096 + 32));
    assertEquals(4096, Compactor.holeEnd(8191));
    assertEquals(8192, Compactor.holeEnd(8192 + 32));
  }
}
