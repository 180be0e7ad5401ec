package io.outflux.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The AIMD window in virtual time, against a simulated link that shares its rate among the batches in flight. */
class InFlightWindowTest {

  private final AtomicLong now = new AtomicLong();
  private final InFlightWindow window = new InFlightWindow(8, Duration.ofSeconds(20), now::get);

  /**
   * Runs {@code batches} batches of {@code bytes} through a link of {@code rate} bytes/s (processor
   * sharing among the batches in flight, plus {@code rttMs}), the window deciding how many are sent.
   *
   * @return the largest time from send to ack, in seconds
   */
  private double simulate(int batches, long bytes, double rate, long rttMs, StringBuilder log) {
    record InFlight(long seq, double[] left) {
    }
    ArrayDeque<InFlight> flying = new ArrayDeque<>();
    long nextSeq = 1;
    int done = 0;
    double worst = 0;
    java.util.Map<Long, Long> sentAt = new java.util.HashMap<>();
    long stepNanos = 10_000_000L; // 10 ms
    while (done < batches) {
      while (flying.size() < window.limit() && nextSeq <= batches) {
        flying.add(new InFlight(nextSeq, new double[] {bytes}));
        sentAt.put(nextSeq, now.get());
        window.sent(nextSeq, flying.size());
        nextSeq++;
      }
      now.addAndGet(stepNanos);
      double share = rate * 0.01 / flying.size();
      for (InFlight f : flying) {
        f.left()[0] -= share;
      }
      while (!flying.isEmpty() && flying.peekFirst().left()[0] <= 0) {
        InFlight f = flying.removeFirst();
        now.addAndGet(rttMs * 1_000_000L / Math.max(1, flying.size() + 1));
        worst = Math.max(worst, (now.get() - sentAt.get(f.seq())) / 1e9);
        Optional<String> line = window.acked(f.seq(), bytes);
        line.ifPresent(l -> log.append(l).append('\n'));
        done++;
      }
    }
    return worst;
  }

  @Test
  void aFastLinkKeepsTheWholeWindow() {
    StringBuilder log = new StringBuilder();
    simulate(200, 1_800_000, 100e6, 5, log);
    assertEquals(8, window.limit());
    assertEquals("", log.toString());
  }

  @Test
  void aSlowLinkShrinksTheWindowToOneBatchAtATimeAndSaysSlowLink() {
    StringBuilder log = new StringBuilder();
    simulate(40, 1_800_000, 100_000, 50, log);
    assertEquals(1, window.limit(), log.toString());
    assertTrue(log.toString().startsWith("slow link: "), log.toString());
    // once the window is down, each batch gets the whole link: about 18 s each, under the 20 s target
    now.set(0);
    double worst = simulate(10, 1_800_000, 100_000, 50, new StringBuilder());
    assertTrue(worst < 20, "worst " + worst);
  }

  @Test
  void theWindowGrowsBackWhenTheLinkRecovers() {
    simulate(40, 1_800_000, 100_000, 50, new StringBuilder());
    assertEquals(1, window.limit());
    simulate(400, 1_800_000, 100e6, 5, new StringBuilder());
    assertEquals(8, window.limit());
  }

  @Test
  void theWindowStaysBetweenOneAndMaxWhateverTheLink() {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    for (int round = 0; round < 30; round++) {
      double rate = 10_000 + random.nextDouble() * 10e6;
      simulate(30, 100_000 + random.nextInt(2_000_000), rate, random.nextInt(200), new StringBuilder());
      assertTrue(window.limit() >= 1 && window.limit() <= 8, "seed " + seed + ": " + window.limit());
    }
  }
}
