package io.outflux.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.meter.LinkConfig;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class AuditPlannerTest {

  private static final long H = 3_600_000_000_000L;
  private static final Instant NOON = Instant.parse("2026-12-01T12:00:00Z");

  private static AuditConfig config(int maxWindows, List<LinkConfig.Window> hours) {
    return new AuditConfig(true, Duration.ofHours(1), Duration.ofHours(1), Duration.ofMinutes(30), Duration.ofHours(6),
        maxWindows, hours, true, List.of(), Duration.ofMinutes(5));
  }

  private static long ns(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L;
  }

  @Test
  void startsALookbackBeforeTheLagAndOnlyComparesClosedWindows() {
    AuditPlanner p = new AuditPlanner(config(48, List.of()));
    AuditQuery.Span span = p.next(NOON.plusSeconds(20 * 60), 2).orElseThrow();
    // 12:20 - 30 min lag = 11:50: closed windows end at 11:00; the lookback starts at 05:00
    assertEquals(ns(Instant.parse("2026-12-01T05:00:00Z")), span.fromNanos());
    assertEquals(ns(Instant.parse("2026-12-01T11:00:00Z")), span.toNanos());
    assertEquals(3600, span.windowSeconds());
    p.compared(span, List.of("a", "b"), Map.of(), Map.of(), NOON);
    assertTrue(p.next(NOON.plusSeconds(20 * 60), 2).isEmpty(), "nothing closed left");
    assertEquals(ns(Instant.parse("2026-12-01T12:00:00Z")),
        p.next(NOON.plusSeconds(80 * 60), 2).orElseThrow().toNanos(), "the next hour once it is older than the lag");
    assertEquals(Optional.of(Instant.parse("2026-12-01T11:00:00Z")), p.verifiedUpTo());
    assertEquals(12, p.checked());
  }

  @Test
  void aCycleComparesAtMostMaxWindowsOfAllMeasurementsTogether() {
    AuditPlanner p = new AuditPlanner(config(4, List.of()));
    AuditQuery.Span span = p.next(NOON, 2).orElseThrow();
    assertEquals(2, span.windows());
    assertTrue(span.problem(2).isEmpty());
  }

  @Test
  void aWindowTheCentreLacksIsResentThenRepairedOrUnrepairable() {
    AuditPlanner p = new AuditPlanner(config(48, List.of()));
    AuditQuery.Span span = p.next(NOON, 1).orElseThrow();
    long w1 = span.fromNanos();
    long w2 = w1 + H;
    long w3 = w1 + 2 * H;
    Map<String, Map<Long, Long>> edge = Map.of("m", Map.of(w1, 10L, w2, 10L, w3, 5L));
    Map<String, Map<Long, Long>> central = Map.of("m", Map.of(w1, 10L, w2, 7L, w3, 9L));
    List<AuditPlanner.Key> resend = p.compared(span, List.of("m"), edge, central, NOON);
    assertEquals(List.of(new AuditPlanner.Key("m", w2)), resend);
    assertEquals(2, p.differing());
    assertEquals(1, p.unrepairableCount(), "the centre holds more in w3: re-sending cannot fix it");
    assertTrue(p.unrepairable().get(0).why().contains("the centre holds more field values (9) than the edge (5)"));
    assertEquals(Optional.of(AuditPlanner.instant(w2)), p.verifiedUpTo(), "w2 under repair holds it back");
    assertTrue(p.due(NOON.plusSeconds(60), true).isEmpty(), "not before recheckAfter");
    assertEquals(resend, p.due(NOON.plusSeconds(300), true));
    assertTrue(p.due(NOON.plusSeconds(300), false).isEmpty(), "the re-sent lines may still be in the spool");
    assertEquals(resend, p.due(NOON.plusSeconds(1800), false), "audit.lag later anyway");
    p.rechecked(resend.get(0), 10, 10);
    assertEquals(1, p.repaired());
    assertEquals(Optional.of(AuditPlanner.instant(w3)), p.verifiedUpTo(), "the unrepairable window holds it back");

    AuditPlanner q = new AuditPlanner(config(48, List.of()));
    q.compared(span, List.of("m"), edge, central, NOON);
    q.rechecked(new AuditPlanner.Key("m", w2), 10, 8);
    assertEquals(2, q.unrepairableCount());
    assertTrue(q.unrepairable().get(1).why().startsWith("still differs after re-sending: edge 10, centre 8"));
  }

  @Test
  void runsOnlyInsideItsHoursAndTheLinksWindowsAndNotWhileBehind() {
    List<LinkConfig.Window> night = List.of(new LinkConfig.Window(LocalTime.of(22, 0), LocalTime.of(5, 0)));
    AuditPlanner p = new AuditPlanner(config(48, night));
    assertTrue(p.mayRun(NOON, ZoneOffset.UTC, List.of(), 0).orElseThrow().contains("audit.hours"));
    assertTrue(p.mayRun(Instant.parse("2026-12-01T23:00:00Z"), ZoneOffset.UTC, List.of(), 0).isEmpty());
    AuditPlanner any = new AuditPlanner(config(48, List.of()));
    assertTrue(any.mayRun(NOON, ZoneOffset.UTC, night, 0).orElseThrow().contains("link"));
    assertTrue(any.mayRun(NOON, ZoneOffset.UTC, List.of(), 3600).orElseThrow().contains("behind"));
    assertTrue(any.mayRun(NOON, ZoneOffset.UTC, List.of(), 60).isEmpty());
  }

  @Test
  void theStateSurvivesARestart() {
    AuditPlanner p = new AuditPlanner(config(48, List.of()));
    AuditQuery.Span span = p.next(NOON, 1).orElseThrow();
    p.compared(span, List.of("m"), Map.of("m", Map.of(span.fromNanos(), 3L, span.fromNanos() + H, 1L)),
        Map.of("m", Map.of(span.fromNanos() + H, 2L)), NOON);
    JsonObject saved = new JsonObject(p.toJson().encode());
    AuditPlanner q = new AuditPlanner(config(48, List.of()));
    q.restore(saved);
    assertEquals(p.toJson(), q.toJson());
    assertEquals(p.due(NOON.plusSeconds(600), true), q.due(NOON.plusSeconds(600), true));
  }

  /** Seeded model: every compared window is matched, re-sent (then repaired, pending or unrepairable) or unrepairable. */
  @Test
  void everyWindowIsAccountedFor() {
    long seed = System.nanoTime();
    Random rnd = new Random(seed);
    AuditPlanner p = new AuditPlanner(config(1 + rnd.nextInt(20), List.of()));
    Instant now = NOON;
    long matched = 0;
    long resent = 0;
    long more = 0;
    for (int cycle = 0; cycle < 300; cycle++) {
      now = now.plusSeconds(rnd.nextInt(7200));
      int ms = 1 + rnd.nextInt(3);
      List<String> measurements = List.of("a", "b", "c").subList(0, ms);
      Optional<AuditQuery.Span> span = p.next(now, ms);
      if (span.isPresent()) {
        assertTrue(span.get().problem(ms).isEmpty(), "seed " + seed);
        Map<String, Map<Long, Long>> edge = new TreeMap<>();
        Map<String, Map<Long, Long>> central = new TreeMap<>();
        for (String m : measurements) {
          for (long s = span.get().fromNanos(); s < span.get().toNanos(); s += H) {
            long e = rnd.nextInt(3);
            long c = rnd.nextInt(3);
            edge.computeIfAbsent(m, k -> new TreeMap<>()).put(s, e);
            central.computeIfAbsent(m, k -> new TreeMap<>()).put(s, c);
            matched += e == c ? 1 : 0;
            resent += e > c ? 1 : 0;
            more += e < c ? 1 : 0;
          }
        }
        p.compared(span.get(), measurements, edge, central, now);
      }
      for (AuditPlanner.Key k : p.due(now.plusSeconds(rnd.nextInt(600)), rnd.nextBoolean())) {
        p.rechecked(k, 1, rnd.nextBoolean() ? 1 : 0);
      }
      assertEquals(matched + resent + more, p.checked(), "seed " + seed);
      assertEquals(resent + more, p.differing(), "seed " + seed);
      assertEquals(resent, p.repaired() + p.pending() + (p.unrepairableCount() - more), "seed " + seed);
      if (p.cursor() >= 0) {
        Instant v = p.verifiedUpTo().orElseThrow();
        assertTrue(v.getEpochSecond() * 1_000_000_000L <= p.cursor(), "seed " + seed);
      }
    }
  }
}
