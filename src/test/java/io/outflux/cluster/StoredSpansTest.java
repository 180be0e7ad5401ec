package io.outflux.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.outflux.protocol.BatchSpan;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class StoredSpansTest {

  private static BatchSpan live(String file, long from, long to) {
    return new BatchSpan(BatchSpan.LIVE, file, from, to, true);
  }

  @Test
  void rangesStoredOneAfterTheOtherMergeIntoOne() {
    StoredSpans s = StoredSpans.EMPTY.stored(live("f", 0, 100)).stored(live("f", 200, 300));
    assertEquals(2, s.rangeCount(), "a batch stored ahead of one still in flight");
    assertEquals(0, s.storedPrefix(live("f", 100, 250)), "the gap is not stored");
    s = s.stored(live("f", 100, 200));
    assertEquals(1, s.rangeCount());
    assertEquals(250, s.storedPrefix(live("f", 50, 400)));
    assertEquals(0, s.storedPrefix(live("0ff", 50, 400)), "another file (or an inode reused by one)");
  }

  @Test
  void aRewrittenBatchCountsAsStoredOnlyWhenAllOfItIs() {
    StoredSpans s = StoredSpans.EMPTY.stored(live("f", 0, 100));
    assertEquals(0, s.storedPrefix(new BatchSpan(BatchSpan.LIVE, "f", 50, 150, false)));
    assertEquals(50, s.storedPrefix(new BatchSpan(BatchSpan.LIVE, "f", 50, 100, false)));
  }

  @Test
  void theStateIsBoundedWhateverTheClientSends() {
    StoredSpans s = StoredSpans.EMPTY;
    for (int f = 0; f < 40; f++) {
      for (int r = 0; r < 30; r++) {
        s = s.stored(live("f." + f, r * 100L, r * 100L + 50)); // never adjacent: a range each
      }
    }
    assertEquals(StoredSpans.MAX_FILES, s.fileCount());
    assertEquals(StoredSpans.MAX_FILES * StoredSpans.MAX_RANGES, s.rangeCount());
    assertEquals(50, s.storedPrefix(live("f.39", 2900, 3000)), "the newest are kept");
    assertEquals(0, s.storedPrefix(live("f.39", 0, 50)), "the lowest ranges of a file go first");
    assertEquals(0, s.storedPrefix(live("f.0", 2900, 3000)), "the least recently stored file goes first");
    assertEquals(s.toJson(), StoredSpans.fromJson(s.toJson()).toJson());
  }

  @Test
  void anUnreadableEntryReadsAsNothingStored() {
    assertEquals(0, StoredSpans.fromJson(new JsonObject().put("files", "x")).fileCount());
    assertEquals(0, StoredSpans.fromJson(new JsonObject("{\"files\":[{\"f\":\"f\",\"r\":[[10,5]]}]}")).fileCount());
    assertEquals(0, StoredSpans.fromJson(new JsonObject("{\"files\":[{\"f\":\"f\",\"r\":[[0,10],[5,20]]}]}"))
        .fileCount());
  }
}
