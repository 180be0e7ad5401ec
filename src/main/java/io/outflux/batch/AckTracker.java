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
    boolean acked;

    Sent(long seq, SpoolPosition end) {
      this.seq = seq;
      this.end = end;
    }
  }

  /** A new contiguous acknowledged prefix: everything up to {@code end} is synced. */
  record Advance(long seq, SpoolPosition end) {
  }

  private final ArrayDeque<Sent> inFlight = new ArrayDeque<>();

  void sent(long seq, SpoolPosition end) {
    inFlight.addLast(new Sent(seq, end));
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
    while (!inFlight.isEmpty() && inFlight.peekFirst().acked) {
      Sent s = inFlight.removeFirst();
      advance = new Advance(s.seq, s.end);
    }
    return Optional.ofNullable(advance);
  }

  int size() {
    return inFlight.size();
  }
}
