package io.outflux.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.spool.SpoolPosition;
import io.outflux.testing.ModelRuns;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link AckTracker} against a simple model: a spool of numbered lines is read into batches in
 * order (some, the first parts of a split chunk, without an end), batches are acknowledged in any
 * order, acknowledged twice, split in two on a 413, and the process restarts from its checkpoint
 * (everything in flight forgotten, reading again from the checkpoint). The model knows which lines
 * were stored; the checkpoint is the offset (= line number) of the last end in the contiguous
 * acknowledged prefix. Invariants after every step: the checkpoint never passes a line that was not
 * stored and never goes back; it is exactly what the model says; the lines counted as acknowledged
 * and the batches still tracked match the model.
 */
class AckTrackerModelTest {

  private static final int LINES = 400;

  /** A batch of lines [first, last); {@code ends} whether it carries its end (offset = last). */
  private static final class Sent {
    final long seq;
    final int first;
    final int last;
    final boolean ends;
    boolean acked;

    Sent(long seq, int first, int last, boolean ends) {
      this.seq = seq;
      this.first = first;
      this.last = last;
      this.ends = ends;
    }

    @Override
    public String toString() {
      return "#" + seq + "[" + first + "," + last + (ends ? ")" : ") no end");
    }
  }

  @Test
  void theCheckpointNeverPassesAnUnacknowledgedLineNeverGoesBackAndReachesTheEnd() {
    ModelRuns.check("AckTracker", 0, 400, AckTrackerModelTest::run);
  }

  @Test
  void replaysOneSeed() {
    ModelRuns.replay("AckTracker", ModelRuns.replaySeed(), AckTrackerModelTest::run);
  }

  private static void run(Random random, ModelRuns.Trace trace) {
    boolean[] stored = new boolean[LINES];
    long nextSeq = 1;
    AckTracker tracker = new AckTracker();
    List<Sent> order = new ArrayList<>(); // the model: batches of this process in spool order, not yet popped
    int checkpoint = 0; // what the real tracker's advances made of the checkpoint
    int read = 0;
    long ackedLines = 0; // lines the real tracker said acknowledged since the last restart
    long modelAckedLines = 0;
    int firstUnstored = 0;
    for (int step = 0; step < 3_000 && checkpoint < LINES; step++) {
      int action = random.nextInt(100);
      if (action < 3) {
        trace.add("restart from checkpoint %d", checkpoint);
        tracker = new AckTracker();
        order.clear();
        read = checkpoint;
        ackedLines = 0;
        modelAckedLines = 0;
      } else if (action < 45 && read < LINES) {
        int n = 1 + random.nextInt(Math.min(LINES - read, 1 + random.nextInt(40)));
        // the first parts of a split chunk carry no end; the chunk's last part (and the spool's last line) does
        boolean ends = read + n == LINES || random.nextInt(3) > 0;
        Sent s = new Sent(nextSeq++, read, read + n, ends);
        tracker.sent(s.seq, ends ? new SpoolPosition(s.last) : null, n);
        order.add(s);
        read += n;
        trace.add("send %s", s);
      } else if (action < 55 && !unacked(order).isEmpty()) {
        Sent s = pick(random, unacked(order));
        if (s.last - s.first < 2) {
          continue;
        }
        int cut = s.first + 1 + random.nextInt(s.last - s.first - 1);
        Sent a = new Sent(nextSeq++, s.first, cut, false);
        Sent b = new Sent(nextSeq++, cut, s.last, s.ends);
        trace.add("split %s into %s and %s", s, a, b);
        assertTrue(tracker.split(s.seq, a.seq, a.last - a.first, b.seq, b.last - b.first), "a batch in flight splits");
        int at = order.indexOf(s);
        order.set(at, b);
        order.add(at, a);
      } else if (action < 60 && nextSeq > 1) {
        long seq = 1 + random.nextInt((int) (nextSeq - 1)); // an ack again, or of a batch split or settled
        boolean known = order.stream().anyMatch(s -> s.seq == seq && !s.acked);
        if (known) {
          continue; // a real ack: the next branch's business
        }
        trace.add("stale ack #%d", seq);
        assertTrue(tracker.acked(seq).isEmpty(), "an ack of a batch not in flight moves nothing");
      } else if (!unacked(order).isEmpty()) {
        Sent s = pick(random, unacked(order));
        trace.add("ack %s", s);
        for (int line = s.first; line < s.last; line++) {
          stored[line] = true;
        }
        s.acked = true;
        var advance = tracker.acked(s.seq);
        // the model: pop the contiguous acknowledged prefix
        Sent lastPopped = null;
        Integer end = null;
        long lines = 0;
        while (!order.isEmpty() && order.get(0).acked) {
          lastPopped = order.remove(0);
          lines += lastPopped.last - lastPopped.first;
          end = lastPopped.ends ? Integer.valueOf(lastPopped.last) : end;
        }
        assertEquals(lastPopped != null, advance.isPresent(), "an advance exactly when the prefix grew");
        if (advance.isPresent()) {
          assertEquals(lastPopped.seq, advance.get().seq(), "the advance names the last batch of the prefix");
          assertEquals(lines, advance.get().lines(), "lines acknowledged by this advance");
          assertEquals(end == null, advance.get().end() == null, "an end exactly when a batch of the prefix had one");
          if (advance.get().end() != null) {
            int next = (int) advance.get().end().offset();
            assertTrue(next >= checkpoint, "the checkpoint never goes back: " + checkpoint + " -> " + next);
            assertEquals((int) end, next, "the checkpoint is the last end of the prefix");
            checkpoint = next;
          }
          ackedLines += advance.get().lines();
          modelAckedLines += lines;
        }
      } else {
        continue;
      }
      while (firstUnstored < LINES && stored[firstUnstored]) {
        firstUnstored++; // lines once stored stay stored (in InfluxDB), restarts or not
      }
      assertTrue(checkpoint <= firstUnstored, "the checkpoint " + checkpoint + " passed line " + firstUnstored
          + ", never stored");
      assertEquals(modelAckedLines, ackedLines);
      assertEquals(order.size(), tracker.size(), "batches tracked");
    }
    assertEquals(LINES, checkpoint, "the run reached the end of the spool");
  }

  private static List<Sent> unacked(List<Sent> order) {
    return order.stream().filter(s -> !s.acked).toList();
  }

  private static Sent pick(Random random, List<Sent> from) {
    // mostly the oldest ones, as acks mostly come in order; sometimes any
    return from.get(random.nextInt(4) == 0 ? random.nextInt(from.size()) : random.nextInt(Math.min(2, from.size())));
  }
}
