package io.outflux.batch;

import io.outflux.spool.SpoolPosition;
import java.util.ArrayDeque;
import java.util.Optional;

/**
 * Batches may be acknowledged out of order (several are in flight), but the checkpoint may only
 * move over a contiguous acknowledged prefix: otherwise a crash would skip an unacknowledged batch.
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

  /** A new contiguous acknowledged prefix: everything up to {@code end} is synced ({@code lines} more lines). */
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
    while (!inFlight.isEmpty() && inFlight.peekFirst().acked) {
      Sent s = inFlight.removeFirst();
      lines += s.lines;
      advance = new Advance(s.seq, s.end, lines);
    }
    return Optional.ofNullable(advance);
  }

  int size() {
    return inFlight.size();
  }
}
