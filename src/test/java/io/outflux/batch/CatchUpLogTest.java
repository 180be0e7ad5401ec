package io.outflux.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CatchUpLogTest {

  private long nanos;

  @Test
  void aLargeBacklogIsLoggedEveryTenSecondsWithRateAndTimeLeftAndOnceWhenItIsOver() {
    List<String> logged = new ArrayList<>();
    CatchUpLog log = new CatchUpLog(() -> nanos, logged::add);
    long mib = 1L << 20;
    log.update(new Progress(100 * mib, 50_000, 5), 10 * mib, 0, 0);
    for (int s = 1; s <= 10; s++) {
      nanos += 1_000_000_000L;
      log.update(new Progress((100 - s) * mib, 50_000, 5), 10 * mib, s * 6_000L, s * mib);
    }
    // 50,000 lines read are 10 MiB: the 80 MiB not read yet are about 400,000 more
    assertEquals(List.of("catching up: about 450,000 lines (90.0 MiB) left (50,000 read, the rest estimated), "
        + "6,000 lines/s (1.0 MiB/s), about 1 min 30 s left"), logged);
    nanos += 5_000_000_000L;
    log.update(new Progress(85 * mib, 50_000, 5), 10 * mib, 90_000, 15 * mib);
    assertEquals(1, logged.size(), "not before ten seconds");
    nanos += 1_000_000_000L;
    log.update(new Progress(1_000, 10, 0.2), 1_000, 100_000, 16 * mib);
    assertEquals("caught up: 100,000 lines acknowledged since the client started, lag 0.2 s", logged.get(1));
    nanos += 20_000_000_000L;
    log.update(new Progress(1_000, 10, 0.2), 1_000, 100_000, 16 * mib);
    assertEquals(2, logged.size(), "a small backlog is not logged");
  }
}
