package io.outflux.batch;

import io.outflux.spool.SpoolPosition;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.function.LongSupplier;

/**
 * Keeps the figures of {@link Progress}: when each unacknowledged batch's oldest line was read, and
 * how many lines and bytes are pending or in flight. Event-loop confined; the clock is injectable.
 */
final class BacklogTracker {

  private record Unacked(long seq, long readNanos, long lines, long bytes) {
  }

  private final LongSupplier nanoClock;
  private final ArrayDeque<Unacked> inFlight = new ArrayDeque<>();
  private long pendingSinceNanos = -1;
  private SpoolPosition spoolEnd;

  BacklogTracker(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
  }

  /** A chunk joined the pending lines; the first one starts the pending clock. */
  void accepted(boolean firstPending) {
    if (firstPending) {
      pendingSinceNanos = nanoClock.getAsLong();
    }
  }

  void sent(long seq, long lines, long bytes) {
    long readAt = pendingSinceNanos < 0 ? nanoClock.getAsLong() : pendingSinceNanos;
    inFlight.addLast(new Unacked(seq, readAt, lines, bytes));
    pendingSinceNanos = -1;
  }

  /** @return the bytes of the acknowledged batch (0 if unknown) */
  long acked(long seq) {
    for (Iterator<Unacked> it = inFlight.iterator(); it.hasNext(); ) {
      Unacked u = it.next();
      if (u.seq() == seq) {
        it.remove();
        return u.bytes();
      }
    }
    return 0;
  }

  /** Batch {@code seq} is replaced, in place, by two batches holding its lines (a split after a 413). */
  void split(long seq, long first, long firstLines, long firstBytes, long second, long secondLines, long secondBytes) {
    ArrayDeque<Unacked> copy = new ArrayDeque<>();
    for (Unacked u : inFlight) {
      if (u.seq() == seq) {
        copy.addLast(new Unacked(first, u.readNanos(), firstLines, firstBytes));
        copy.addLast(new Unacked(second, u.readNanos(), secondLines, secondBytes));
      } else {
        copy.addLast(u);
      }
    }
    inFlight.clear();
    inFlight.addAll(copy);
  }

  /** The end of the complete lines in the spool, as last seen. */
  void spoolEnd(SpoolPosition end) {
    this.spoolEnd = end;
  }

  /** Bytes of the lines read and not yet acknowledged: pending plus in flight. */
  long readBytes(long pendingBytes) {
    long bytes = pendingBytes;
    for (Unacked u : inFlight) {
      bytes += u.bytes();
    }
    return bytes;
  }

  Progress progress(long pendingLines, long pendingBytes, SpoolPosition synced) {
    long lines = pendingLines;
    long bytes = pendingBytes;
    long oldest = pendingLines > 0 && pendingSinceNanos >= 0 ? pendingSinceNanos : Long.MAX_VALUE;
    for (Unacked u : inFlight) {
      lines += u.lines();
      bytes += u.bytes();
      oldest = Math.min(oldest, u.readNanos());
    }
    if (spoolEnd != null && synced != null && spoolEnd.file().equals(synced.file())) {
      // same file: everything between the acknowledged offset and the end, read or not
      bytes = Math.max(bytes, spoolEnd.offset() - synced.offset());
    }
    double lag = oldest == Long.MAX_VALUE ? 0 : (nanoClock.getAsLong() - oldest) / 1e9;
    return new Progress(bytes, lines, lag);
  }
}
