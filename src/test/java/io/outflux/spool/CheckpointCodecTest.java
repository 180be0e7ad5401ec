package io.outflux.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointCodecTest {

  private static final SpoolPosition HISTORY = new SpoolPosition(new FileId(2049, 11), "metrics.2026-11-29-1764400000.lp",
      4096, "YWJj");
  private static final SpoolPosition BOUNDARY = new SpoolPosition(new FileId(2049, 12), "metrics.lp", 1_048_576, "ZGVm");
  private static final SpoolPosition LIVE = new SpoolPosition(new FileId(2049, 13), "metrics.lp", 777, "Z2hp");

  @Test
  void aVersion2FileWrittenByEarlierReleasesIsReadAsASingleSegment() {
    JsonObject v2 = new JsonObject("{\"version\":2,\"file\":{\"dev\":2049,\"ino\":1835061,\"name\":\"metrics.lp\"},"
        + "\"offset\":1048576,\"tail\":\"LGhvc3Q9\",\"lastAckedSeq\":4711}");
    Checkpoint c = Checkpoint.fromJson(v2);
    assertEquals(new SpoolPosition(new FileId(2049, 1835061), "metrics.lp", 1048576, "LGhvc3Q9"), c.synced());
    assertEquals(4711, c.lastAckedSeq());
    assertNull(c.catchUp());
  }

  @Test
  void aSingleSegmentIsStillWrittenAsVersion2SoOlderReleasesCanReadIt() {
    Checkpoint c = new Checkpoint(LIVE, 9);
    JsonObject json = c.toJson();
    assertEquals(2, json.getInteger("version"));
    assertNull(json.getValue("catchUp"));
    assertEquals(c, Checkpoint.fromJson(new JsonObject(json.encode())));
  }

  @Test
  void aCatchUpCheckpointRoundTripsAsVersion3WithAllThreePositions() {
    Checkpoint c = new Checkpoint(HISTORY, 42, new Checkpoint.CatchUp(BOUNDARY, LIVE));
    JsonObject json = new JsonObject(c.toJson().encode());
    assertEquals(3, json.getInteger("version"));
    assertEquals(c, Checkpoint.fromJson(json));
    // the top-level position keeps the version-2 layout: it is the one compaction relies on
    assertEquals(4096L, json.getLong("offset"));
    assertEquals(11L, json.getJsonObject("file").getLong("ino"));
  }

  @Test
  void version1WithoutAFileIdentityStillReadsAsAnUnknownFile() {
    Checkpoint c = Checkpoint.fromJson(new JsonObject("{\"version\":1,\"offset\":123,\"lastAckedSeq\":5}"));
    assertEquals(FileId.UNKNOWN, c.synced().file());
    assertEquals(123, c.synced().offset());
    assertNull(c.catchUp());
  }

  @Test
  void theStoreSavesAndLoadsACatchUpCheckpointAtomically(@TempDir Path dir) {
    CheckpointStore store = new CheckpointStore(dir.resolve("metrics.lp.checkpoint"));
    Checkpoint c = new Checkpoint(HISTORY, 7, new Checkpoint.CatchUp(BOUNDARY, BOUNDARY));
    store.save(c);
    assertEquals(c, store.load());
    store.save(new Checkpoint(LIVE, 8));
    assertEquals(new Checkpoint(LIVE, 8), store.load());
  }
}
