package io.outflux.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Outages in virtual time: one line when it begins, one when it ends, nothing in between. */
class InfluxOutageTest {

  private final AtomicLong now = new AtomicLong(1_000);
  private final InfluxOutage outage = new InfluxOutage("http://influx:8086", now::get);

  @Test
  void anOutageIsToldOnceWhenItBeginsAndOnceWhenItEndsWithWhatWasRefused() {
    assertTrue(outage.answered().isEmpty(), "answers while up change nothing");
    var began = assertInstanceOf(InfluxOutage.Began.class,
        outage.unavailable("connection refused", true).orElseThrow());
    assertTrue(began.message().contains("http://influx:8086 is unavailable (connection refused)"), began.message());
    for (int i = 0; i < 158; i++) {
      now.addAndGet(Duration.ofMillis(380).toNanos());
      assertTrue(outage.unavailable("connection refused", true).isEmpty(), "no line per refused batch");
    }
    assertTrue(outage.unavailable("timeout", false).isEmpty(), "a credential check is not a batch");
    assertEquals(159, outage.refused());
    now.addAndGet(Duration.ofMillis(960).toNanos());
    var ended = assertInstanceOf(InfluxOutage.Ended.class, outage.answered().orElseThrow());
    assertEquals(159, ended.refused());
    assertEquals(Duration.ofMillis(158 * 380 + 960), ended.lasted());
    assertTrue(ended.message().contains("answers again after 1 min 01 s; 159 batch(es) refused meanwhile"),
        ended.message());
    assertTrue(outage.answered().isEmpty());
    assertEquals(0, outage.refused());
  }

  @Test
  void aSecondOutageCountsAfresh() {
    outage.unavailable("down", true);
    outage.unavailable("down", true);
    outage.answered();
    assertTrue(outage.unavailable("down again", false).isPresent(), "a new outage is told again");
    assertTrue(outage.down());
    var ended = assertInstanceOf(InfluxOutage.Ended.class, outage.answered().orElseThrow());
    assertEquals(0, ended.refused(), "only credential checks failed in the second one");
  }
}
