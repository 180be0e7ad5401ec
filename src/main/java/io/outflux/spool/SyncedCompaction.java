package io.outflux.spool;

import io.outflux.spool.SpoolFiles.SpoolFile;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After each durable checkpoint, removes what its synced position covers from the spool (see
 * {@link Compactor}): deletes the archives the readers finished and the position covers wholly,
 * punches the synced prefix out of the active file, and forgets the stamps of synced lines. During
 * a catch-up the position is the history segment's acknowledged prefix, so nothing after it (the
 * rest of the history, the boundary's file, anything live read) goes before history has passed it.
 * Event-loop confined; the file operations run on the verticle's ordered worker queue.
 */
final class SyncedCompaction {

  private static final Logger log = LoggerFactory.getLogger(SpoolTailVerticle.class);
  /** Punch failures in a row after which punching stops for this run (e.g. a file system without it). */
  private static final int MAX_PUNCH_FAILURES = 3;

  private final Vertx vertx;
  private final SpoolConfig config;
  private final SpoolFiles files;
  private final StampJournal stamps;
  private final Compactor compactor;
  private boolean punchDisabled;
  private int punchFailures;

  SyncedCompaction(Vertx vertx, SpoolConfig config, SpoolFiles files, StampJournal stamps, Compactor compactor) {
    this.vertx = vertx;
    this.config = config;
    this.files = files;
    this.stamps = stamps;
    this.compactor = compactor;
  }

  /**
   * Removes what {@code synced} (durable in both checkpoint slots) covers.
   *
   * @param readers the readers at each moment asked (the live one first, then a catch-up's history
   *     reader): a catch-up split or merge while the deletion runs replaces them, and the new ones must
   *     learn which files are gone too, or a new file on a deleted archive's inode counts as done
   */
  void compact(SpoolPosition synced, Supplier<List<SpoolReader>> readers) {
    forgetStamps(synced, Set.of());
    List<SpoolReader> now = readers.get();
    List<FileId> deletable = new ArrayList<>();
    now.forEach(r -> deletable.addAll(r.deletable(synced)));
    if (!deletable.isEmpty()) {
      vertx.executeBlocking(() -> deleteArchives(deletable, readers), true)
          .onSuccess(gone -> {
            readers.get().forEach(r -> r.forget(gone));
            forgetStamps(synced, gone);
          })
          .onFailure(err -> log.warn("could not delete synced archives: {}", err.toString()));
    }
    punch(synced, now.get(0).activeFile(synced.file()));
  }

  /** Punches the synced prefix out of the active file {@code r} (null: the synced position is not in it). */
  private void punch(SpoolPosition synced, Reading r) {
    if (r == null || punchDisabled || config.compactEvery() <= 0
        || Compactor.holeEnd(synced.offset()) - r.punched < config.compactEvery()) {
      return;
    }
    long from = r.punched;
    vertx.executeBlocking(() -> compactor.punch(r.file.path(), synced, from), true)
        .onSuccess(to -> {
          r.punched = Math.max(r.punched, to);
          punchFailures = 0;
        })
        .onFailure(err -> {
          // a one-off (e.g. a rotation at that moment) is tried again at the next checkpoint
          punchDisabled = ++punchFailures >= MAX_PUNCH_FAILURES;
          log.warn("cannot compact the active spool file in place ({}){}", err.getMessage(), punchDisabled
              ? "; synced archives are still deleted, but the active file now only shrinks when Telegraf rotates "
              + "it: set rotation_max_size" : "; trying again at the next checkpoint");
        });
  }

  /** Forgets the stamps of lines before {@code synced} and of the files {@code gone}; rewrites the journal then. */
  void forgetStamps(SpoolPosition synced, Set<FileId> gone) {
    if (!stamps.isEmpty() && stamps.prune(synced, gone)) {
      List<StampJournal.Entry> kept = stamps.snapshot();
      vertx.executeBlocking(() -> {
        stamps.rewrite(kept);
        return null;
      }, true);
    }
  }

  /** Blocking: deletes the archives with these inodes; returns those no longer in the spool. */
  private Set<FileId> deleteArchives(List<FileId> ids, Supplier<List<SpoolReader>> readers) {
    Set<FileId> gone = new HashSet<>(ids);
    for (SpoolFile f : files.scan()) {
      if (ids.contains(f.id())) {
        if (f.active() || !compactor.deleteArchive(f.path(), f.id())) {
          gone.remove(f.id());
        } else {
          log.info("deleted synced archive {}", f.path().getFileName());
        }
      }
    }
    readers.get().forEach(r -> r.deleted(gone)); // gone, whoever deleted them: their inodes may already name new files
    return gone;
  }
}
