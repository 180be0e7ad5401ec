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
   * Blocking. Finds the checkpoint's file among the spool's files by identity: its inode, confirmed by
   * its content (the bytes before the offset). Files before it are synced and deleted, reading resumes
   * in it. When the inode holds other content now (truncated, or a new file reusing the inode), or is
   * gone: an archive with the checkpoint's content is a copytruncate's copy, and reading resumes
   * there; without one, what was not synced is lost (recorded in {@code losses}) and every file present
   * is read from the start.
   */
  static ResumePoint plan(SpoolFiles files, Checkpoint start, StampJournal stamps, Compactor compactor,
      Set<FileId> done, List<LossLedger.Loss> losses) {
    List<SpoolFile> list = files.scan();
    Set<FileId> present = new HashSet<>();
    list.forEach(f -> present.add(f.id()));
    List<StampJournal.Entry> kept = stamps.snapshot().stream().filter(e -> present.contains(e.file())).toList();
    if (kept.size() < stamps.snapshot().size()) {
      stamps.rewrite(kept); // the event loop has not started reading: nothing else touches the entries yet
      stamps.set(kept);
    }
    SpoolPosition synced = start.synced();
    if (synced.file().equals(FileId.UNKNOWN)) {
      log.info("tailing {} ({} files) from the start of {}", files.spool(), list.size(),
          list.isEmpty() ? files.spool() : list.get(0).path().getFileName());
      return null;
    }
    int k = -1;
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i).id().equals(synced.file())) {
        k = i;
      }
    }
    String why = null;
    if (k >= 0 && synced.offset() > 0) {
      long size = sizeOf(list.get(k));
      if (size < synced.offset()) {
        why = "is shorter (" + size + " bytes) than the checkpoint offset " + synced.offset() + ": it was truncated";
      } else if (!Compactor.tailMatches(list.get(k).path(), synced)) {
        why = "has the checkpoint's inode but not its content (a new file reusing the inode, or truncated and "
            + "written again)";
      }
    } else if (k < 0) {
      why = "is no longer in the spool";
    }
    if (why != null) {
      SpoolFile copy = synced.offset() > 0 ? findCopy(list, synced, Set.of(synced.file())) : null;
      if (copy != null) {
        log.info("the checkpoint's file {} ({}) {}; {} holds its content (a copytruncate): resuming there at offset {}",
            synced.name(), synced.file(), why, copy.path().getFileName(), synced.offset());
        k = list.indexOf(copy);
      } else {
        long lost = start.seenSize() < 0 ? (synced.offset() == 0 ? 0 : -1)
            : Math.max(0, start.seenSize() - synced.offset());
        long lines = lost == 0 ? 0 : -1; // the bytes are gone: their lines cannot be counted
        String cause = "the checkpoint's file " + why + " and no archive holds its content: "
            + (k < 0 ? "it was deleted before it was synced (Telegraf's rotation_max_archives = 0 deletes rotated "
            + "files at once: set rotation_max_archives = -1)" : "it was deleted before it was synced and a new file "
            + "got its inode (Telegraf's rotation_max_archives = 0: set -1), or truncated externally, or rotated "
            + "by copytruncate to a copy whose name outflux does not know (name it <stem>.<YYYY-MM-DD>-<unix "
            + "seconds><ext> or, with logrotate, <name>.N or <name>-YYYYMMDD)");
        LostCopy.Found held = synced.offset() > 0 ? LostCopy.find(files, synced) : null;
        if (held != null) { // still readable in a copy outflux does not read: measured exactly
          lost = held.bytes();
          lines = held.lines();
          cause = "the checkpoint's file " + why + "; " + LostCopy.cause(held, files.spool().getFileName().toString(),
              synced.offset());
        }
        if (lost == 0) {
          log.info("the checkpoint's file {} ({}) {}; all of it had been synced, nothing is lost; reading the {} "
              + "spool files present from their start", synced.name(), synced.file(), why, list.size());
        } else {
          log.warn("spool data lost: {} bytes ({}) of {} after the synced offset {}: {}; reading the {} spool files "
              + "present from their start (outflux loss list shows it; outflux loss ack clears it)",
              lost < 0 ? "an unknown number of" : Long.toString(lost), lines < 0 ? "lines unknown" : lines + " lines",
              synced.name(), synced.offset(), cause, list.size());
          losses.add(new LossLedger.Loss(java.time.Instant.now(), synced.name(), lost, lines, cause, false));
        }
        return null;
      }
    }
    SpoolFile file = list.get(k);
    long offset = synced.offset();
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

  /**
   * Blocking. An archive (not in {@code exclude}) holding {@code at}'s content: at least {@code at.offset()}
   * bytes, with {@code at.tail()} just before it; the oldest such (a copytruncate's copy). Null: none.
   */
  static SpoolFile findCopy(List<SpoolFile> list, SpoolPosition at, Set<FileId> exclude) {
    for (SpoolFile f : list) {
      if (!f.active() && !exclude.contains(f.id()) && !f.id().equals(at.file())
          && Compactor.tailMatches(f.path(), new SpoolPosition(f.id(), f.path().getFileName().toString(), at.offset(),
          at.tail()))) {
        return f;
      }
    }
    return null;
  }

  private static long sizeOf(SpoolFile file) {
    try {
      return Files.size(file.path());
    } catch (java.io.IOException e) {
      return 0;
    }
  }

}
