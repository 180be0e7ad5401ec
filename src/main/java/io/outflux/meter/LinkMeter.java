package io.outflux.meter;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZonedDateTime;

/**
 * Decides when the next batch may go over a metered link: inside a transfer window, under the
 * daily quota, at the smoothed rate. Pure and single-threaded (the transport's event loop owns it),
 * with an injectable clock so tests need not wait. The transport asks {@link #delay} before each
 * attempt and waits that long with a timer; {@link #sent} records an attempt that went out.
 */
public final class LinkMeter {

  private final LinkConfig config;
  private final Clock clock;
  /** Token bucket for the rate: bytes that may go now; negative after a batch larger than a second's worth. */
  private double tokens;
  private Instant refilled;
  private LocalDate day;
  private long usedToday;

  public LinkMeter(LinkConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
    this.refilled = clock.instant();
    this.tokens = config.maxRate();
  }

  /** How long to wait before sending {@code bytes}; zero when they may go now. */
  public Duration delay(long bytes) {
    Instant now = clock.instant();
    ZonedDateTime local = now.atZone(config.zone());
    if (!config.windows().isEmpty() && config.windows().stream().noneMatch(w -> w.contains(local.toLocalTime()))) {
      return Duration.between(now, nextWindowStart(local).toInstant());
    }
    if (config.dailyQuota() > 0) {
      rollDay(local.toLocalDate());
      // a batch larger than the whole quota may go first thing in a day, or it would never go
      if (usedToday > 0 && usedToday + bytes > config.dailyQuota()) {
        return Duration.between(now, local.toLocalDate().plusDays(1).atStartOfDay(config.zone()).toInstant());
      }
    }
    if (config.maxRate() > 0) {
      refill(now);
      if (tokens < Math.min(bytes, config.maxRate())) {
        double missing = Math.min(bytes, config.maxRate()) - tokens;
        return Duration.ofNanos((long) Math.ceil(missing * 1e9 / config.maxRate()));
      }
    }
    return Duration.ZERO;
  }

  /** Records {@code bytes} sent now. */
  public void sent(long bytes) {
    Instant now = clock.instant();
    if (config.dailyQuota() > 0) {
      rollDay(now.atZone(config.zone()).toLocalDate());
      usedToday += bytes;
    }
    if (config.maxRate() > 0) {
      refill(now);
      tokens -= bytes;
    }
  }

  /** Bytes left of today's quota, or -1 without a quota. */
  public long quotaLeft() {
    if (config.dailyQuota() <= 0) {
      return -1;
    }
    rollDay(clock.instant().atZone(config.zone()).toLocalDate());
    return Math.max(0, config.dailyQuota() - usedToday);
  }

  private void refill(Instant now) {
    double seconds = Duration.between(refilled, now).toNanos() / 1e9;
    if (seconds > 0) {
      tokens = Math.min(config.maxRate(), tokens + seconds * config.maxRate());
      refilled = now;
    }
  }

  private void rollDay(LocalDate today) {
    if (!today.equals(day)) {
      day = today;
      usedToday = 0;
    }
  }

  private ZonedDateTime nextWindowStart(ZonedDateTime now) {
    ZonedDateTime best = null;
    for (LinkConfig.Window w : config.windows()) {
      LocalDateTime start = now.toLocalDate().atTime(w.start());
      ZonedDateTime candidate = start.atZone(config.zone());
      if (!candidate.isAfter(now)) {
        candidate = start.plusDays(1).atZone(config.zone());
      }
      if (best == null || candidate.isBefore(best)) {
        best = candidate;
      }
    }
    return best;
  }
}
