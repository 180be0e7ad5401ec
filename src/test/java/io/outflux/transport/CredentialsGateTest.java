package io.outflux.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The gate in front of the transport while InfluxDB refuses the credentials, on virtual time: a
 * probe that ends without a verdict (split on a 413, refused for good) lets the next held batch
 * probe at the next interval; before, probing stopped for good and the held batches stayed held.
 */
class CredentialsGateTest {

  private static final Duration INTERVAL = Duration.ofSeconds(30);

  /** Virtual timers: they fire only when the test moves the clock. */
  private static final class VirtualTimers implements CredentialsGate.Timers {
    private final TreeMap<Long, List<Object[]>> due = new TreeMap<>();
    private long now;
    private long nextId;

    @Override
    public long set(Duration delay, Runnable task) {
      long id = nextId++;
      due.computeIfAbsent(now + delay.toMillis(), t -> new ArrayList<>()).add(new Object[] {id, task});
      return id;
    }

    @Override
    public void cancel(long id) {
      due.values().forEach(tasks -> tasks.removeIf(t -> (long) t[0] == id));
    }

    int pending() {
      return due.values().stream().mapToInt(List::size).sum();
    }

    void advance(Duration by) {
      long until = now + by.toMillis();
      while (!due.isEmpty() && due.firstKey() <= until) {
        var next = due.pollFirstEntry();
        now = next.getKey();
        next.getValue().forEach(t -> ((Runnable) t[1]).run());
      }
      now = until;
    }
  }

  private final VirtualTimers timers = new VirtualTimers();
  /** The batches the gate sent again, with "probe" or "resume". */
  private final List<String> resent = new ArrayList<>();
  private final CredentialsGate<String> gate = new CredentialsGate<>(timers, INTERVAL, "edge",
      (batch, probe) -> resent.add(batch + (probe ? " probe" : " resume")), reason -> { });

  @Test
  void aProbeThatEndsWithoutAVerdictLetsTheNextHeldBatchProbeAtTheNextInterval() {
    gate.refused("b1", "401");
    gate.hold("b2");
    gate.hold("b3");
    timers.advance(INTERVAL);
    assertEquals(List.of("b1 probe"), resent);

    gate.probeEnded("batch b1 too large, split");
    assertTrue(gate.blocked(), "still refused: the others stay held");
    assertEquals(1, timers.pending(), "the next probe is scheduled");
    timers.advance(INTERVAL.minusMillis(1));
    assertEquals(List.of("b1 probe"), resent, "not before the interval");
    timers.advance(Duration.ofMillis(1));
    assertEquals(List.of("b1 probe", "b2 probe"), resent);

    gate.accepted();
    assertFalse(gate.blocked());
    assertEquals(List.of("b1 probe", "b2 probe", "b3 resume"), resent);
  }

  @Test
  void aFlushProbesAtOnceAfterAProbeEndedWithoutAVerdict() {
    gate.refused("b1", "401");
    gate.hold("b2");
    timers.advance(INTERVAL);
    gate.probeEnded("batch b1 refused for good");

    gate.probeNow();
    assertEquals(List.of("b1 probe", "b2 probe"), resent);
    assertEquals(0, timers.pending(), "the scheduled probe was the one sent now");
  }

  @Test
  void aProbeEndedAfterTheCredentialsWereAcceptedOrAnotherRefusalSchedulesNothingMore() {
    gate.refused("b1", "401");
    gate.hold("b2");
    timers.advance(INTERVAL);
    gate.refused("b0", "401"); // an earlier attempt refused meanwhile: it scheduled the next probe
    gate.probeEnded("batch b1 too large, split");
    assertEquals(1, timers.pending(), "one probe scheduled, not two");

    gate.accepted();
    gate.probeEnded("batch b2 too large, split");
    assertEquals(0, timers.pending());
    assertFalse(gate.blocked());
  }
}
