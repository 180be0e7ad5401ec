package io.outflux.spool;

import io.outflux.spool.ResumePlanner.ResumePoint;
import io.outflux.spool.SpoolFiles.SpoolFile;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The files one reader is done with, in the order it read them: which file it reads next, and which
 * archives a synced position covers wholly (deleted then).
 *
 * <p>{@link #finished} is event-loop confined; the done set is also touched by worker tasks (the
 * listing for the next file, the deletion of archives), hence concurrent. An inode leaves it as soon
 * as its file is deleted: the writer may create the next file with the same inode number at once.
 */
final class ReadFiles {

  /** A file read to its end and no longer written: deleted once acknowledged up to {@code size}. */
  record Finished(FileId id, long size) {
  }

  /** Files read to their end (or not this reader's business). */
  private final Set<FileId> done = ConcurrentHashMap.newKeySet();
  private final ArrayDeque<Finished> finished = new ArrayDeque<>();

  ReadFiles(Collection<FileId> done) {
    this.done.addAll(done);
  }

  /** Files read to their end (or not this reader's business); a view, for the copy search. */
  Set<FileId> done() {
    return Collections.unmodifiableSet(done);
  }

  /** {@code file} was read to its end at {@code size}. */
  void finished(FileId file, long size) {
    done.add(file);
    finished.addLast(new Finished(file, size));
  }

  /** Files this reader's segment had read before this run (a catch-up's live segment). */
  void finishedBefore(List<Finished> files) {
    finished.addAll(files);
  }

  /** {@code earlier} (the history segment, merged back) read its files before these. */
  void readAfter(ReadFiles earlier) {
    List<Finished> read = new ArrayList<>(earlier.finished);
    for (int i = read.size() - 1; i >= 0; i--) {
      finished.addFirst(read.get(i));
    }
  }

  /** The size a finished file was read to; -1 when it is not one. */
  long sizeOf(FileId file) {
    for (Finished f : finished) {
      if (f.id().equals(file)) {
        return f.size();
      }
    }
    return -1;
  }

  /**
   * The oldest file of {@code list} (a scan, in reading order) not done yet; null when there is none.
   * With a {@code limit} (a history reader) never one past the limit's file. Forgets done files that
   * are gone (their inodes may be reused).
   */
  ResumePoint next(List<SpoolFile> list, SpoolPosition limit) {
    Set<FileId> present = new HashSet<>();
    list.forEach(f -> present.add(f.id()));
    done.retainAll(present);
    for (SpoolFile f : list) {
      if (!done.contains(f.id())) {
        return new ResumePoint(f, 0);
      }
      if (limit != null && f.id().equals(limit.file())) {
        return null;
      }
    }
    return null;
  }

  /**
   * The finished archives wholly acknowledged by {@code synced}: when it is in one of them or in
   * {@code reading} (the file being read), every one before it and the one it is in if read to the end.
   */
  List<FileId> deletable(SpoolPosition synced, FileId reading) {
    List<FileId> deletable = new ArrayList<>();
    boolean onCurrent = synced.file().equals(reading);
    if (!onCurrent && sizeOf(synced.file()) < 0) {
      return deletable;
    }
    for (Finished f : finished) {
      if (f.id().equals(synced.file())) {
        if (synced.offset() >= f.size()) {
          deletable.add(f.id());
        }
        break;
      }
      deletable.add(f.id());
    }
    return deletable;
  }

  /** These files are no longer in the spool. */
  void forget(Set<FileId> gone) {
    finished.removeIf(f -> gone.contains(f.id()));
    done.removeAll(gone);
  }

  /** Any thread: these files were deleted; a new file may get one of their inodes at once. */
  void deleted(Set<FileId> gone) {
    done.removeAll(gone);
  }
}
