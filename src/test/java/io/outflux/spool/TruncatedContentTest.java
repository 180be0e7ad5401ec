package io.outflux.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which content of a truncated file a synced position is in. */
class TruncatedContentTest {

  private static final FileId A = new FileId(1, 10);
  private static final FileId COPY = new FileId(1, 11);

  private static SpoolPosition at(FileId file, long offset, String tail) {
    return new SpoolPosition(file, "metrics.lp", offset, tail);
  }

  @Test
  void withoutATruncationAPositionIsWhereItSays() {
    TruncatedContent t = new TruncatedContent();
    t.handedOn(at(A, 100, "old1"));
    assertEquals(at(A, 100, "old1"), t.locate(at(A, 100, "old1")));
    assertFalse(t.pending());
  }

  @Test
  void aPositionInTheOldContentIsTheSameOffsetInTheCopyUntilTheNewContentIsAcknowledged() {
    TruncatedContent t = new TruncatedContent();
    t.handedOn(at(A, 100, "old1"));
    t.handedOn(at(A, 200, "old2"));
    t.truncated(A, COPY); // nothing left to read in the copy: the new content's ends follow at once
    t.handedOn(at(A, 50, "new1"));
    t.handedOn(at(A, 150, "new2"));
    assertEquals(at(COPY, 100, "old1"), t.locate(at(A, 100, "old1")));
    assertEquals(at(COPY, 200, "old2"), t.locate(at(A, 200, "old2")));
    assertEquals(at(COPY, 200, "old2"), t.locate(at(A, 200, "old2")), "the same checkpoint compacted again");
    assertTrue(t.pending());
    assertEquals(at(A, 50, "new1"), t.locate(at(A, 50, "new1")), "a new offset below the old ones");
    assertFalse(t.pending(), "the old content is acknowledged: positions are the file's again");
    assertEquals(at(A, 150, "new2"), t.locate(at(A, 150, "new2")));
  }

  @Test
  void aPositionSyncedBeforeTheTruncationIsStillTheOldContents() {
    TruncatedContent t = new TruncatedContent();
    t.handedOn(at(A, 100, "old1"));
    t.handedOn(at(A, 200, "old2"));
    t.locate(at(A, 200, "old2")); // everything read was acknowledged
    t.truncated(A, COPY);
    t.handedOn(at(A, 300, "new1"));
    assertEquals(at(COPY, 200, "old2"), t.locate(at(A, 200, "old2")), "the older checkpoint slot");
    assertEquals(at(A, 300, "new1"), t.locate(at(A, 300, "new1")));
    assertFalse(t.pending());
  }

  @Test
  void theCopyBeingAcknowledgedEndsTheOldContent() {
    TruncatedContent t = new TruncatedContent();
    t.handedOn(at(A, 100, "old1"));
    t.truncated(A, COPY);
    t.handedOn(at(COPY, 400, "rest"));
    assertEquals(at(COPY, 400, "rest"), t.locate(at(COPY, 400, "rest")));
    assertFalse(t.pending());
  }

  @Test
  void afterARestartInTheCopyTheCheckpointIsInTheOldContent() {
    TruncatedContent t = new TruncatedContent();
    t.resumedInCopy(at(A, 100, "old1"), COPY);
    t.handedOn(at(COPY, 150, "rest"));
    t.finished(COPY);
    t.handedOn(at(A, 120, "new1"));
    assertEquals(at(COPY, 100, "old1"), t.locate(at(A, 100, "old1")));
    assertEquals(at(A, 120, "new1"), t.locate(at(A, 120, "new1")));
  }

  @Test
  void aPositionAmongDroppedEndsIsUnknownNotGuessed() {
    TruncatedContent t = new TruncatedContent();
    for (int i = 1; i <= TruncatedContent.MAX_ENDS + 10; i++) {
      t.handedOn(at(A, i, "old" + i));
    }
    t.truncated(A, COPY);
    assertNull(t.locate(at(A, 5, "old5")), "dropped: old or new cannot be told");
    assertEquals(at(COPY, 20, "old20"), t.locate(at(A, 20, "old20")));
    t.handedOn(at(A, TruncatedContent.MAX_ENDS + 20, "new"));
    assertEquals(at(A, TruncatedContent.MAX_ENDS + 20, "new"), t.locate(at(A, TruncatedContent.MAX_ENDS + 20, "new")));
  }

  @Test
  void aPositionInATruncatedFileThatNoContentHoldsIsUnknownNotTheNewContent() {
    TruncatedContent t = new TruncatedContent();
    t.handedOn(at(A, 150, "old150"));
    t.truncated(A, COPY);
    t.handedOn(at(COPY, 400, "rest"));
    t.finished(COPY);
    t.handedOn(at(A, 50, "new50"));
    assertNull(t.locate(at(A, 100, "old100")), "not handed on by this reader: old or new cannot be told");
    assertTrue(t.pending(), "the old content is not known to be acknowledged");
    assertEquals(at(COPY, 150, "old150"), t.locate(at(A, 150, "old150")));
  }

  /**
   * After a restart in the checkpoint's file itself, the checkpoint (told by {@code handedOn}) is the
   * old content's once the file is copytruncated: in the copy, so the copy is not deleted while the
   * reader is in the file's new content (before, the copy went with its lines after the checkpoint
   * not acknowledged).
   */
  @Test
  void theCheckpointResumedAtStaysTheOldContentsAfterACopytruncate() {
    TruncatedContent t = new TruncatedContent();
    t.handedOn(at(A, 100, "checkpoint")); // SpoolReader.resumingFrom: the position it resumes at
    t.handedOn(at(A, 150, "old150"));
    t.truncated(A, COPY);
    t.handedOn(at(COPY, 400, "rest"));
    t.finished(COPY);
    t.handedOn(at(A, 50, "new50"));
    assertEquals(at(COPY, 100, "checkpoint"), t.locate(at(A, 100, "checkpoint")));
    assertEquals(at(COPY, 100, "checkpoint"), t.locate(at(A, 100, "checkpoint")), "compacted again: still the copy");
    assertEquals(at(COPY, 400, "rest"), t.locate(at(COPY, 400, "rest")));
    assertEquals(at(A, 50, "new50"), t.locate(at(A, 50, "new50")));
    assertFalse(t.pending());
  }

  @Test
  void aNewerContentReadToItsEndKeepsItsPositionsKnownUntilALaterFileIsAcknowledged() {
    FileId next = new FileId(1, 12);
    TruncatedContent t = new TruncatedContent();
    t.handedOn(at(A, 100, "old100"));
    t.truncated(A, COPY);
    t.handedOn(at(A, 50, "new50"));
    t.finished(A); // the new content rotated away before any of it was acknowledged
    t.handedOn(at(next, 10, "next10"));
    assertEquals(at(COPY, 100, "old100"), t.locate(at(A, 100, "old100")));
    assertEquals(at(A, 50, "new50"), t.locate(at(A, 50, "new50")), "the newer content, at its own offsets");
    assertNull(t.locate(at(A, 70, "unknown")));
    assertEquals(at(next, 10, "next10"), t.locate(at(next, 10, "next10")));
    assertFalse(t.pending(), "a later file acknowledged: every older content is");
  }
}
