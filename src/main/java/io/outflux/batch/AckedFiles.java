package io.outflux.batch;

import io.outflux.spool.FileId;
import io.outflux.spool.SpoolPosition;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Which spool files the live lane's acknowledgements moved past, so that a flush can tell whether
 * its target is covered after a rotation (offsets compare only within one file). Event-loop confined.
 */
final class AckedFiles {

  private static final int MAX_ACKED_FILES = 64;

  /** Spool files of each live batch in flight. */
  private final Map<Long, Set<FileId>> inFlight = new HashMap<>();
  private final Set<FileId> acked = new LinkedHashSet<>();

  void sent(long seq, Set<FileId> files) {
    inFlight.put(seq, files);
  }

  /** A batch split in two: its files go with the second half, which carries its end. */
  void split(long seq, long second) {
    Set<FileId> files = inFlight.remove(seq);
    if (files != null) {
      inFlight.put(second, files);
    }
  }

  /** The contiguous acknowledged prefix reached batch {@code seq}. */
  void advancedTo(long seq) {
    inFlight.keySet().removeIf(s -> {
      if (s > seq) {
        return false;
      }
      acked.addAll(inFlight.get(s));
      return true;
    });
    while (acked.size() > MAX_ACKED_FILES) {
      acked.remove(acked.iterator().next());
    }
  }

  /**
   * Whether {@code synced} covers {@code target}. After a rotation the target's file may be an
   * archive behind the file the acks are in now; the tail finishes each file before the next, so
   * acks that reached the target's file and then moved on have covered it to its end.
   */
  boolean covers(SpoolPosition synced, SpoolPosition target) {
    if (target.offset() == 0) {
      return true;
    }
    if (target.file().equals(FileId.UNKNOWN) || synced.file().equals(FileId.UNKNOWN)
        || synced.file().equals(target.file())) {
      return synced.offset() >= target.offset();
    }
    return acked.contains(target.file());
  }
}
