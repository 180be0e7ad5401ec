package io.outflux.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
