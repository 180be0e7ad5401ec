package io.outflux.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.outflux.spool.SpoolFiles.SpoolFile;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The files a reader is done with: what it reads next, what a synced position lets go. */
class ReadFilesTest {

  private static final FileId A = new FileId(1, 1);
  private static final FileId B = new FileId(1, 2);
  private static final FileId ACTIVE = new FileId(1, 3);

  private static SpoolFile file(String name, FileId id, boolean active) {
    return new SpoolFile(Path.of("/spool", name), id, active, 0);
  }

  private static SpoolPosition at(FileId file, long offset) {
    return new SpoolPosition(file, "f", offset, "");
  }

  @Test
  void archivesBeforeTheSyncedFileGoAndTheSyncedOneOnlyWhenAcknowledgedToItsEnd() {
    ReadFiles read = new ReadFiles(List.of());
    read.finished(A, 100);
    read.finished(B, 200);
    assertEquals(List.of(A), read.deletable(at(B, 199), ACTIVE));
    assertEquals(List.of(A, B), read.deletable(at(B, 200), ACTIVE));
    assertEquals(List.of(A, B), read.deletable(at(ACTIVE, 5), ACTIVE), "in the file being read");
    assertEquals(List.of(), read.deletable(at(new FileId(9, 9), 5), ACTIVE), "a position it does not know");
  }

  @Test
  void theNextFileIsTheOldestNotDoneAndAHistoryReaderStopsAtItsBoundarysFile() {
    ReadFiles read = new ReadFiles(List.of(A));
    List<SpoolFile> list = List.of(file("a", A, false), file("b", B, false), file("metrics.lp", ACTIVE, true));
    assertEquals(B, read.next(list, null).file().id());
    read.finished(B, 200);
    assertNull(read.next(list, at(B, 200)), "history ends with the boundary's file");
    assertEquals(ACTIVE, read.next(list, null).file().id());
  }

  @Test
  void aDeletedFileIsForgottenSoANewFileWithItsInodeIsRead() {
    ReadFiles read = new ReadFiles(List.of());
    read.finished(A, 100);
    read.deleted(Set.of(A));
    read.forget(Set.of(A));
    assertEquals(A, read.next(List.of(file("a", A, false)), null).file().id());
    assertEquals(-1, read.sizeOf(A));
  }

  @Test
  void mergedHistoryFilesComeFirst() {
    ReadFiles live = new ReadFiles(List.of());
    live.finished(B, 200);
    ReadFiles history = new ReadFiles(List.of());
    history.finished(A, 100);
    live.readAfter(history);
    assertEquals(List.of(A), live.deletable(at(B, 10), ACTIVE));
  }
}
