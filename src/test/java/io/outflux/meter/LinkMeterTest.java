package io.outflux.meter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.config.ConfigException;
import io.outflux.config.ConfigReader;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LinkMeterTest {

  /** A clock the test moves. */
  static final class FakeClock extends Clock {
    Instant now;

    FakeClock(String start) {
      now = Instant.parse(start);
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private static LinkConfig link(JsonObject json) {
    ConfigReader root = ConfigReader.root(new JsonObject().put("link", json.put("timeZone", json.getString("timeZone", "UTC"))),
        "test.json", "client", Map.of());
    LinkConfig c = LinkConfig.from(root.section("link"));
    root.rejectUnknownKeys();
    return c;
  }

  @Test
  void outsideEveryWindowTheBatchWaitsForTheNextStart() {
    FakeClock clock = new FakeClock("2026-11-29T06:30:00Z");
    LinkMeter meter = new LinkMeter(link(new JsonObject().put("windows", new JsonArray().add("01:00-05:00").add("22:00-02:00"))), clock);
    assertEquals(Duration.ofMinutes(15 * 60 + 30), meter.delay(100), "until 22:00 the same day");
    clock.now = Instant.parse("2026-11-29T23:30:00Z");
    assertEquals(Duration.ZERO, meter.delay(100), "a window across midnight");
    clock.now = Instant.parse("2026-11-30T04:59:59Z");
    assertEquals(Duration.ZERO, meter.delay(100));
    clock.now = Instant.parse("2026-11-30T05:00:00Z");
    assertEquals(Duration.ofHours(17), meter.delay(100), "the end is exclusive");
  }

  @Test
  void theDailyQuotaStopsSendingUntilLocalMidnight() {
    FakeClock clock = new FakeClock("2026-11-29T20:00:00Z");
    LinkMeter meter = new LinkMeter(link(new JsonObject().put("dailyQuota", "10KiB").put("timeZone", "Europe/Berlin")), clock);
    assertEquals(Duration.ZERO, meter.delay(8_000));
    meter.sent(8_000);
    assertEquals(10_240 - 8_000, meter.quotaLeft());
    assertEquals(Duration.ZERO, meter.delay(2_000));
    meter.sent(2_000);
    assertEquals(Duration.ofHours(3), meter.delay(1_000), "midnight in Berlin is 23:00 UTC");
    clock.advance(Duration.ofHours(3));
    assertEquals(Duration.ZERO, meter.delay(50_000), "a batch larger than the quota goes first thing in a day");
    meter.sent(50_000);
    assertEquals(0, meter.quotaLeft());
  }

  @Test
  void theRateIsSmoothedOverOneSecond() {
    FakeClock clock = new FakeClock("2026-11-29T12:00:00Z");
    LinkMeter meter = new LinkMeter(link(new JsonObject().put("maxRate", "10KiB")), clock);
    assertEquals(Duration.ZERO, meter.delay(10_240), "a full second's worth may go at once");
    meter.sent(10_240);
    assertEquals(Duration.ofMillis(500), meter.delay(5_120));
    clock.advance(Duration.ofMillis(500));
    assertEquals(Duration.ZERO, meter.delay(5_120));
    meter.sent(40_960);   // a batch of four seconds' worth goes into debt: 5,120 - 40,960 = -35,840
    clock.advance(Duration.ofSeconds(1));
    assertEquals(Duration.ofMillis(3_500), meter.delay(10_240), "-25,600 after a second: 35,840 bytes short, 3.5 s at 10 KiB/s");
  }

  @Test
  void configMistakesNameTheKey() {
    assertTrue(assertThrows(ConfigException.class, () -> link(new JsonObject().put("windows", new JsonArray().add("1am-5am"))))
        .getMessage().contains("link.windows"));
    assertTrue(assertThrows(ConfigException.class, () -> link(new JsonObject().put("timeZone", "Mars/Olympus")))
        .getMessage().contains("link.timeZone"));
    assertTrue(assertThrows(ConfigException.class, () -> link(new JsonObject().put("maxRate", 10)))
        .getMessage().contains("link.maxRate"));
    assertTrue(assertThrows(ConfigException.class, () -> link(new JsonObject().put("quota", "1GB")))
        .getMessage().contains("quota"));
    assertTrue(!link(new JsonObject()).limited());
  }

  @Test
  void aForcedFlushOverridesTheWindowsButNotTheQuotaNorTheRate() {
    FakeClock clock = new FakeClock("2026-11-29T06:30:00Z");
    LinkMeter meter = new LinkMeter(link(new JsonObject().put("windows", new JsonArray().add("01:00-05:00"))
        .put("dailyQuota", "10KiB").put("maxRate", "4KiB")), clock);
    assertEquals(Duration.ofMinutes(18 * 60 + 30), meter.delay(100, false));
    assertEquals(Duration.ZERO, meter.delay(4_096, true), "windows overridden");
    meter.sent(4_096);
    assertEquals(Duration.ofSeconds(1), meter.delay(4_096, true), "the rate still holds");
    clock.advance(Duration.ofSeconds(1));
    meter.sent(4_096);
    clock.advance(Duration.ofSeconds(1));
    assertEquals(Duration.ofMinutes(17 * 60 + 30).minusSeconds(2), meter.delay(4_096, true), "the quota still holds: until midnight");
  }

  @Test
  void whileTheLinksInterfaceIsDownNothingGoesUnlessForced() {
    FakeClock clock = new FakeClock("2026-11-29T06:30:00Z");
    LinkMeter meter = new LinkMeter(link(new JsonObject()), clock);
    meter.interfaceUp(false);
    assertEquals(LinkMeter.INTERFACE_RECHECK, meter.delay(100));
    assertEquals(Duration.ZERO, meter.delay(100, true));
    assertTrue(!meter.status().open());
    meter.interfaceUp(true);
    assertEquals(Duration.ZERO, meter.delay(100));
    assertTrue(meter.status().open());
  }

  @Test
  void theStatusTellsWhenTheNextWindowOpensAndHowMuchQuotaIsLeft() {
    FakeClock clock = new FakeClock("2026-11-29T06:30:00Z");
    LinkMeter meter = new LinkMeter(link(new JsonObject().put("windows", new JsonArray().add("01:00-05:00").add("22:00-02:00"))
        .put("dailyQuota", "10KiB").put("timeZone", "Europe/Berlin")), clock);
    LinkMeter.Status closed = meter.status();
    assertTrue(!closed.open() && !closed.inWindow());
    assertEquals("2026-11-29T22:00+01:00[Europe/Berlin]", closed.nextWindowOpens().orElseThrow().toString());
    assertEquals(0, closed.quotaUsed());
    assertEquals(10_240, closed.quotaLeft());
    assertEquals("2026-11-30T00:00+01:00[Europe/Berlin]", closed.quotaResets().orElseThrow().toString());
    clock.now = Instant.parse("2026-11-29T21:30:00Z"); // 22:30 in Berlin
    meter.sent(1_000);
    LinkMeter.Status open = meter.status();
    assertTrue(open.open());
    assertEquals("2026-11-30T05:00+01:00[Europe/Berlin]", open.windowCloses().orElseThrow().toString(),
        "22:00-02:00 and 01:00-05:00 chain: the link stays open until 05:00");
    assertEquals(1_000, open.quotaUsed());
    assertEquals(9_240, open.quotaLeft());
  }

  @Test
  void aSavedQuotaCountOfTodayIsTakenOverAndOneOfAnotherDayIgnored() {
    FakeClock clock = new FakeClock("2026-11-29T12:00:00Z");
    LinkConfig config = link(new JsonObject().put("dailyQuota", "10KiB"));
    LinkMeter meter = new LinkMeter(config, clock);
    meter.sent(9_000);
    LinkMeter.QuotaUsage saved = meter.usage();
    assertEquals(new LinkMeter.QuotaUsage(java.time.LocalDate.parse("2026-11-29"), 9_000), saved);

    LinkMeter restarted = new LinkMeter(config, clock);
    restarted.restore(saved);
    assertEquals(1_240, restarted.quotaLeft());
    assertEquals(Duration.ofHours(12), restarted.delay(2_000), "not the first batch of the day any more: it waits");

    clock.advance(Duration.ofDays(1));
    LinkMeter nextDay = new LinkMeter(config, clock);
    nextDay.restore(saved);
    assertEquals(10_240, nextDay.quotaLeft(), "yesterday's count does not count today");
  }

  @Test
  void anUnknownNetworkInterfaceIsAConfigErrorNamingTheKey() {
    ConfigException e = assertThrows(ConfigException.class, () -> link(new JsonObject().put("interface", "nosuchif0")));
    assertTrue(e.getMessage().contains("link.interface") && e.getMessage().contains("nosuchif0"), e.getMessage());
    assertTrue(assertThrows(ConfigException.class, () -> link(new JsonObject().put("interface", "../etc")))
        .getMessage().contains("link.interface"));
    LinkConfig lo = link(new JsonObject().put("interface", "lo"));
    assertEquals(java.util.Optional.of("lo"), lo.networkInterface());
    assertTrue(lo.limited());
  }
}
