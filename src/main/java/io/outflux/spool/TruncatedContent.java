package io.outflux.spool;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Tells which content of a truncated file a synced position is in. After a truncation the file's
 * offsets hold other lines, so a synced position in it is ambiguous: it may still be in the old
 * content (its lines handed on before the truncation, not all acknowledged yet) or already in the
 * new. After a copytruncate the old content is the copy's, at the same offsets: a position in it
 * is that offset in the copy (so the copy is deleted only once acknowledged to its end, and files
 * before it as soon as the old content is being acknowledged), whether or not anything was left to
 * read in the copy.
 *
 * <p>A position is known by the chunk ends handed on from the file (offset and the bytes before it,
 * {@link SpoolPosition#tail()}): a synced position is always a chunk's end, of this reader or one it was
 * told of ({@link #handedOn} with the checkpoint it resumed at, a catch-up's boundary). The ends of the
 * file being read are kept until a synced position passes them (the synced one itself stays); at a
 * truncation they become that old content's. A position in a truncated file that no content's ends
 * hold is unknown: nothing is deleted for it (guessing "the new content" deleted a copy whose lines
 * were not acknowledged), and a later known position decides.
 * Pure; event-loop confined.
 */
final class TruncatedContent {

  /** Chunk ends kept per content at most; past it the oldest are dropped and positions up to them are unknown. */
  static final int MAX_ENDS = 20_000;

  /** Ends handed on from one content of a file, oldest first, not yet known to be synced. */
  private static final class Ends {
    final ArrayDeque<SpoolPosition> ends = new ArrayDeque<>();
    /** The highest offset of an end dropped over {@link #MAX_ENDS}; -1: none. */
    long droppedUpTo = -1;

    void add(SpoolPosition end) {
      ends.addLast(end);
      if (ends.size() > MAX_ENDS) {
        droppedUpTo = Math.max(droppedUpTo, ends.removeFirst().offset());
      }
    }

    boolean holds(SpoolPosition p) {
      for (SpoolPosition e : ends) {
        if (e.offset() == p.offset() && e.tail().equals(p.tail())) {
          return true;
        }
      }
      return false;
    }

    /**
     * Drops the ends before {@code offset}: synced. The synced end itself stays: the same checkpoint
     * may be compacted again (the older of the two slots), after a truncation too.
     */
    void syncedTo(long offset) {
      ends.removeIf(e -> e.offset() < offset);
    }
  }

  /**
   * The old content of a truncated file: {@code copy} holds it (null: no copy, the unread part is lost;
   * the file itself: a newer content read to its end, at its own offsets).
   */
  private record Old(FileId file, FileId copy, Ends ends) {
  }

  private FileId reading;
  private Ends current = new Ends();
  /** Old contents whose positions may still be synced, oldest first. */
  private final List<Old> olds = new ArrayList<>();

  /** A chunk ending at {@code end} was handed on from the file being read. */
  void handedOn(SpoolPosition end) {
    if (!end.file().equals(reading)) {
      reading = end.file();
      current = new Ends();
    }
    current.add(end);
  }

  /** The file being read was read to its end: its positions are no longer ambiguous. */
  void finished(FileId file) {
    if (file.equals(reading)) {
      if (olds.stream().anyMatch(o -> o.file().equals(file))) {
        olds.add(new Old(file, file, current)); // a newer content of a truncated file: its ends stay known
      }
      reading = null;
      current = new Ends();
    }
  }

  /**
   * {@code file} was truncated (its positions handed on so far are its old content's); {@code copy}
   * holds the old content at the same offsets, null when no copy does.
   */
  void truncated(FileId file, FileId copy) {
    Ends old = file.equals(reading) ? current : new Ends();
    reading = null;
    current = new Ends();
    olds.add(new Old(file, copy, old));
  }

  /**
   * The reader resumed after a restart in {@code copy}, which holds the content of the checkpoint's
   * file before it was truncated: {@code synced} is in that old content.
   */
  void resumedInCopy(SpoolPosition synced, FileId copy) {
    Ends old = new Ends();
    old.add(synced);
    olds.add(new Old(synced.file(), copy, old));
  }

  /** Whether a truncated file's old content may still be acknowledged (its positions are then told apart). */
  boolean pending() {
    return !olds.isEmpty();
  }

  /**
   * Where {@code synced} is for deleting files: a position in a copytruncated file's old content is
   * the same offset in the copy. Null when it cannot be told (nothing may be deleted for it).
   */
  SpoolPosition locate(SpoolPosition synced) {
    for (int i = 0; i < olds.size(); i++) {
      Old o = olds.get(i);
      if (synced.file().equals(o.copy()) && !o.copy().equals(o.file())) {
        olds.subList(0, i + 1).clear(); // the copy is being acknowledged: all of the old content is
        return synced;
      }
      if (synced.file().equals(o.file()) && o.ends().holds(synced)) {
        olds.subList(0, i).clear(); // older contents are acknowledged
        o.ends().syncedTo(synced.offset());
        return o.copy() == null ? synced
            : new SpoolPosition(o.copy(), synced.name(), synced.offset(), synced.tail());
      }
    }
    boolean inTruncatedFile = olds.stream().anyMatch(o -> synced.file().equals(o.file()));
    boolean inReading = synced.file().equals(reading);
    if (inTruncatedFile && !(inReading && current.holds(synced))) {
      return null; // old or new content cannot be told: wait for a position that can
    }
    if (inReading) {
      olds.clear(); // in the content being read, after every old one: they are acknowledged
      current.syncedTo(synced.offset());
    }
    return synced;
  }
}
