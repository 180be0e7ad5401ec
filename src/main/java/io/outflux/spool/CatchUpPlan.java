package io.outflux.spool;

import io.outflux.spool.ResumePlanner.ResumePoint;
import io.outflux.spool.SpoolFiles.SpoolFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides at start whether the tail splits the spool for a newest-first catch-up, and where.
 * Blocking (listing, stat, reads): run it on a worker.
 *
 * <p>The split point, the boundary, is the end of the complete lines in the active file when the
 * unsynced backlog (from the resume point to that end) is at least the threshold. A checkpoint
 * written during a catch-up (version 3) resumes both segments, if the boundary's and the live
 * position's files are still there with the bytes recorded; otherwise the tail splits afresh at the
 * current end, and the lines between the old boundary and the old live position are sent again as
 * history (a resend is idempotent; a loss would not be).
 */
final class CatchUpPlan {

  private static final Logger log = LoggerFactory.getLogger(SpoolTailVerticle.class);
  private static final int LOOK_BACK = 64 * 1024;

  /**
   * The live segment of a catch-up. The history segment reads from the resume point up to {@code boundary}.
   *
   * @param boundary where the spool is split
   * @param live the live segment's acknowledged prefix (where the live reader starts)
   * @param liveResume the live reader's start
   * @param liveDone files the live reader must not read: every file before its start
   * @param liveFinished files the live segment has wholly read before this run (deleted once history passes them)
   */
  record Segments(SpoolPosition boundary, SpoolPosition live, ResumePoint liveResume, Set<FileId> liveDone,
                  List<ReadFiles.Finished> liveFinished) {
  }

  private CatchUpPlan() {
  }

  /** @return the live segment, or null: read on from {@code resume} in order */
  static Segments plan(SpoolFiles files, Checkpoint start, ResumePoint resume, CatchUpOrder order, long threshold) {
    if (order != CatchUpOrder.NEWEST_FIRST) {
      return null;
    }
    List<SpoolFile> list = files.scan();
    if (start.catchUp() != null && resume != null) {
      Segments resumed = resume(list, start.catchUp(), resume);
      if (resumed != null) {
        log.info("resuming the newest-first catch-up: history from {} offset {} up to {} offset {}, live from {} "
            + "offset {}", resume.file().path().getFileName(), resume.offset(), resumed.boundary().name(),
            resumed.boundary().offset(), resumed.live().name(), resumed.live().offset());
        return resumed;
      }
      log.warn("the checkpoint's catch-up boundary or live position no longer matches the spool; splitting it anew "
          + "(lines after the old boundary are sent again)");
    }
    return resume == null ? split(list, null, 0, threshold)
        : split(list, resume.file().id(), resume.offset(), threshold);
  }

  /**
   * While the client runs: the segments if the spool holds at least {@code threshold} bytes after
   * {@code read}, the position the (single) reader has read up to; null otherwise.
   */
  static Segments splitWhileRunning(SpoolFiles files, SpoolPosition read, long threshold) {
    return split(files.scan(), read.file(), read.offset(), threshold);
  }

  private static Segments resume(List<SpoolFile> list, Checkpoint.CatchUp catchUp, ResumePoint resume) {
    int ih = indexOf(list, resume.file().id());
    int ib = indexOf(list, catchUp.boundary().file());
    int il = indexOf(list, catchUp.live().file());
    if (ih < 0 || ib < ih || il < ib || !matches(list.get(ib), catchUp.boundary())
        || !matches(list.get(il), catchUp.live())) {
      return null;
    }
    Set<FileId> liveDone = new HashSet<>();
    List<ReadFiles.Finished> liveFinished = new ArrayList<>();
    for (int i = 0; i < il; i++) {
      liveDone.add(list.get(i).id());
      if (i >= ib) {
        liveFinished.add(new ReadFiles.Finished(list.get(i).id(), sizeOf(list.get(i).path())));
      }
    }
    return new Segments(catchUp.boundary(), catchUp.live(), new ResumePoint(list.get(il), catchUp.live().offset()),
        liveDone, liveFinished);
  }

  /** @param file where the backlog starts, null: at the first file's start */
  private static Segments split(List<SpoolFile> list, FileId file, long offset, long threshold) {
    if (list.isEmpty() || !list.get(list.size() - 1).active()) {
      return null;
    }
    SpoolFile active = list.get(list.size() - 1);
    int from = file == null ? 0 : indexOf(list, file);
    if (from < 0) {
      return null;
    }
    long backlog = backlog(list, from, offset);
    if (backlog < threshold) {
      return null;
    }
    SpoolPosition boundary = completeLinesEnd(active);
    if (boundary == null || (active.id().equals(file) && boundary.offset() <= offset)) {
      return null;
    }
    Set<FileId> liveDone = new HashSet<>();
    for (int i = 0; i < list.size() - 1; i++) {
      liveDone.add(list.get(i).id());
    }
    log.info("{} bytes of the spool wait to be synced (sync.catchUpThreshold {}): newest first, new lines from {} "
        + "offset {} on are sent first, the backlog fills in behind", backlog, threshold, boundary.name(),
        boundary.offset());
    return new Segments(boundary, boundary, new ResumePoint(active, boundary.offset()), liveDone, List.of());
  }

  /** Blocking: the spool's bytes after {@code read} (0 if its file is no longer there). */
  static long backlogAfter(SpoolFiles files, SpoolPosition read) {
    List<SpoolFile> list = files.scan();
    int from = indexOf(list, read.file());
    return from < 0 ? 0 : backlog(list, from, read.offset());
  }

  private static long backlog(List<SpoolFile> list, int from, long offset) {
    long backlog = -offset;
    for (int i = from; i < list.size(); i++) {
      backlog += sizeOf(list.get(i).path());
    }
    return backlog;
  }

  /** The end of the active file's complete lines, with the bytes before it; null if no newline is near the end. */
  private static SpoolPosition completeLinesEnd(SpoolFile file) {
    try (FileChannel ch = FileChannel.open(file.path(), StandardOpenOption.READ)) {
      long size = ch.size();
      int length = (int) Math.min(LOOK_BACK, size);
      long at = size - length;
      ByteBuffer buf = ByteBuffer.allocate(length);
      while (buf.hasRemaining() && ch.read(buf, at + buf.position()) > 0) {
        // read the whole window
      }
      for (int i = buf.position() - 1; i >= 0; i--) {
        if (buf.get(i) == '\n') {
          int tailFrom = Math.max(0, i + 1 - SpoolPosition.TAIL_BYTES);
          byte[] tail = new byte[i + 1 - tailFrom];
          buf.get(tailFrom, tail);
          return new SpoolPosition(file.id(), file.path().getFileName().toString(), at + i + 1,
              Base64.getEncoder().encodeToString(tail));
        }
      }
      return size < LOOK_BACK ? new SpoolPosition(file.id(), file.path().getFileName().toString(), 0, "") : null;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the end of " + file.path(), e);
    }
  }

  private static boolean matches(SpoolFile file, SpoolPosition position) {
    return position.offset() == 0 || Compactor.tailMatches(file.path(), position);
  }

  private static int indexOf(List<SpoolFile> list, FileId id) {
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i).id().equals(id)) {
        return i;
      }
    }
    return -1;
  }

  private static long sizeOf(Path path) {
    try {
      return Files.size(path);
    } catch (IOException e) {
      return 0;
    }
  }
}
