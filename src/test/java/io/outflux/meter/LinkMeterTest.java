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
}
