package io.outflux.batch;

import io.outflux.spool.SpoolPosition;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Optional;

/**
 * Batches may be acknowledged out of order (several are in flight), but the checkpoint may only
 * move over a contiguous acknowledged prefix: otherwise a crash would skip an unacknowledged batch.
 *
 * <p>A batch may carry no end ({@code null}): the first parts of a read chunk that was split to
 * respect the batch limits. The lines' exact spool offsets inside a chunk are unknown (lines may have
 * been stamped or dropped), so only the chunk's last part moves the checkpoint; a crash in between
 * resends the earlier parts, which InfluxDB stores as overwrites of the same points.
 */
final class AckTracker {

  private static final class Sent {
    final long seq;
    final SpoolPosition end;
    final int lines;
    boolean acked;

    Sent(long seq, SpoolPosition end, int lines) {
      this.seq = seq;
      this.end = end;
      this.lines = lines;
    }
  }

  /**
   * A new contiguous acknowledged prefix: everything up to {@code end} is synced ({@code lines} more
   * lines); {@code end} is null when no batch of the prefix had one (the checkpoint stays).
   */
  record Advance(long seq, SpoolPosition end, long lines) {
  }

  private final ArrayDeque<Sent> inFlight = new ArrayDeque<>();

  void sent(long seq, SpoolPosition end) {
    sent(seq, end, 0);
  }

  void sent(long seq, SpoolPosition end, int lines) {
    inFlight.addLast(new Sent(seq, end, lines));
  }

  /** @return the new synced prefix, if this ack extended it */
  Optional<Advance> acked(long seq) {
    for (Sent s : inFlight) {
      if (s.seq == seq) {
        s.acked = true;
        break;
      }
    }
    Advance advance = null;
    long lines = 0;
    SpoolPosition end = null;
    while (!inFlight.isEmpty() && inFlight.peekFirst().acked) {
      Sent s = inFlight.removeFirst();
      lines += s.lines;
      end = s.end != null ? s.end : end;
      advance = new Advance(s.seq, end, lines);
    }
    return Optional.ofNullable(advance);
  }

  /**
   * Batch {@code seq} is replaced, in its place in the order, by two batches: {@code first} (without
   * an end) and {@code second}, which takes the end of the batch replaced.
   *
   * @return false when {@code seq} is not in flight (nothing changed)
   */
  boolean split(long seq, long first, int firstLines, long second, int secondLines) {
    ArrayDeque<Sent> copy = new ArrayDeque<>(inFlight.size() + 1);
    boolean found = false;
    for (Iterator<Sent> it = inFlight.iterator(); it.hasNext(); ) {
      Sent s = it.next();
      if (s.seq == seq && !s.acked) {
        copy.addLast(new Sent(first, null, firstLines));
        copy.addLast(new Sent(second, s.end, secondLines));
        found = true;
      } else {
        copy.addLast(s);
      }
    }
    if (found) {
      inFlight.clear();
      inFlight.addAll(copy);
    }
    return found;
  }

  int size() {
    return inFlight.size();
  }
}
