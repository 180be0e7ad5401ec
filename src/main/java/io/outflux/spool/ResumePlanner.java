package io.outflux.spool;

import io.outflux.spool.SpoolFiles.SpoolFile;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Where the tail starts after a restart. Blocking (directory listing, stat, reads): use a worker. */
final class ResumePlanner {

  private static final Logger log = LoggerFactory.getLogger(SpoolTailVerticle.class);

  /** A file of the spool and the offset to read it from. */
  record ResumePoint(SpoolFile file, long offset) {
  }

  private ResumePlanner() {
  }

  /**
   * Blocking. Finds the checkpoint's file among the spool's files (by inode, confirmed by the bytes
   * before the offset): files before it are synced and deleted, reading resumes in it. A file that
   * is no longer there (or a new file that reuses its inode) means that every file present is
   * unsynced: they are read from the start, oldest first (a resend is idempotent).
   */
  static ResumePoint plan(SpoolFiles files, Checkpoint start, StampJournal stamps, Compactor compactor,
      Set<FileId> done) {
    List<SpoolFile> list = files.scan();
    Set<FileId> present = new HashSet<>();
    list.forEach(f -> present.add(f.id()));
    List<StampJournal.Entry> kept = stamps.snapshot().stream().filter(e -> present.contains(e.file())).toList();
    if (kept.size() < stamps.snapshot().size()) {
      stamps.rewrite(kept); // the event loop has not started reading: nothing else touches the entries yet
      stamps.set(kept);
    }
    SpoolPosition synced = start.synced();
    int k = -1;
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i).id().equals(synced.file())) {
        k = i;
      }
    }
    if (k < 0) {
      if (!synced.file().equals(FileId.UNKNOWN)) {
        log.warn("the checkpoint's file {} ({}) is no longer in the spool; reading the {} spool files present from "
            + "their start", synced.name(), synced.file(), list.size());
      }
      log.info("tailing {} ({} files) from the start of {}", files.spool(), list.size(),
          list.isEmpty() ? files.spool() : list.get(0).path().getFileName());
      return null;
    }
    SpoolFile file = list.get(k);
    long offset = synced.offset();
    long size = sizeOf(file);
    if (size < offset) {
      log.warn("spool file {} is shorter ({} bytes) than the checkpoint offset {}: it was truncated; reading it "
          + "from the start", file.path(), size, offset);
      offset = 0;
    } else if (offset > 0 && !Compactor.tailMatches(file.path(), synced)) {
      log.warn("spool file {} has the checkpoint's inode but not its content (a new file reusing the inode); reading "
          + "the {} spool files present from their start", file.path(), list.size());
      return null;
    }
    for (int i = 0; i < k; i++) {
      SpoolFile synced0 = list.get(i);
      done.add(synced0.id());
      if (!synced0.active() && compactor.deleteArchive(synced0.path(), synced0.id())) {
        done.remove(synced0.id());
        log.info("deleted {}: synced before the last run ended", synced0.path());
      }
    }
    log.info("tailing {}: resuming {} at offset {}", files.spool(), file.path().getFileName(), offset);
    return new ResumePoint(file, offset);
  }

  private static long sizeOf(SpoolFile file) {
    try {
      return Files.size(file.path());
    } catch (java.io.IOException e) {
      return 0;
    }
  }

}
