package io.outflux.meter;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZonedDateTime;
import java.util.Optional;

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
  /** The state of {@code link.interface}, as last read by the transport (always true without one). */
  private boolean interfaceUp = true;

  /** While the link's interface is down, a batch looks again this often. */
  public static final Duration INTERFACE_RECHECK = Duration.ofSeconds(1);

  /** Bytes counted against the quota on {@code day} (restored after a restart, saved after each send). */
  public record QuotaUsage(LocalDate day, long usedBytes) {
  }

  /**
   * What the status command shows about the link.
   *
   * @param open whether a batch may go now as far as windows and the interface go (rate and quota aside)
   * @param nextWindowOpens when the link opens again, if it is closed by a window
   * @param windowCloses when the current window ends, if windows are configured and one is open
   * @param quotaUsed bytes sent today, -1 without a quota
   * @param quotaLeft bytes left today, -1 without a quota
   * @param quotaResets when the quota's day ends, if there is a quota
   */
  public record Status(boolean open, boolean inWindow, boolean interfaceUp, Optional<ZonedDateTime> nextWindowOpens,
                       Optional<ZonedDateTime> windowCloses, long quotaUsed, long quotaLeft,
                       Optional<ZonedDateTime> quotaResets) {
  }

  public LinkMeter(LinkConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
    this.refilled = clock.instant();
    this.tokens = config.maxRate();
  }

  /** How long to wait before sending {@code bytes}; zero when they may go now. */
  public Duration delay(long bytes) {
    return delay(bytes, false);
  }

  /**
   * @param overrideWindows true while a forced flush runs: the transfer windows and the network
   *     interface are ignored (the rate and the quota are not)
   */
  public Duration delay(long bytes, boolean overrideWindows) {
    Instant now = clock.instant();
    ZonedDateTime local = now.atZone(config.zone());
    if (!overrideWindows && !inWindow(local)) {
      return Duration.between(now, nextWindowStart(local).toInstant());
    }
    if (!overrideWindows && !interfaceUp) {
      return INTERFACE_RECHECK;
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

  /** The interface named by {@code link.interface} went up or down. */
  public void interfaceUp(boolean up) {
    this.interfaceUp = up;
  }

  /** Today's count, to be saved. */
  public QuotaUsage usage() {
    rollDay(clock.instant().atZone(config.zone()).toLocalDate());
    return new QuotaUsage(day, usedToday);
  }

  /** Takes over a count saved earlier; one of another day is ignored (that day's quota is over). */
  public void restore(QuotaUsage saved) {
    LocalDate today = clock.instant().atZone(config.zone()).toLocalDate();
    rollDay(today);
    if (saved.day().equals(today)) {
      usedToday = Math.max(usedToday, saved.usedBytes());
    }
  }

  public Status status() {
    ZonedDateTime local = clock.instant().atZone(config.zone());
    boolean inWindow = inWindow(local);
    Optional<ZonedDateTime> next = inWindow ? Optional.empty() : Optional.of(nextWindowStart(local));
    Optional<ZonedDateTime> closes = inWindow && !config.windows().isEmpty() ? windowEnd(local) : Optional.empty();
    long used = -1;
    long left = -1;
    Optional<ZonedDateTime> resets = Optional.empty();
    if (config.dailyQuota() > 0) {
      rollDay(local.toLocalDate());
      used = usedToday;
      left = Math.max(0, config.dailyQuota() - usedToday);
      resets = Optional.of(local.toLocalDate().plusDays(1).atStartOfDay(config.zone()));
    }
    return new Status(inWindow && interfaceUp, inWindow, interfaceUp, next, closes, used, left, resets);
  }

  private boolean inWindow(ZonedDateTime local) {
    return config.windows().isEmpty() || config.windows().stream().anyMatch(w -> w.contains(local.toLocalTime()));
  }

  /** When the link closes: the end of the windows that contain now, following windows that overlap it. */
  private Optional<ZonedDateTime> windowEnd(ZonedDateTime now) {
    ZonedDateTime end = null;
    ZonedDateTime at = now;
    // each step moves to the end of a window containing `at`; windows that chain are followed, a bounded number of times
    for (int i = 0; i <= config.windows().size(); i++) {
      ZonedDateTime next = latestEndContaining(at);
      if (next == null || (end != null && !next.isAfter(end))) {
        break;
      }
      end = next;
      at = next;
    }
    return Optional.ofNullable(end);
  }

  private ZonedDateTime latestEndContaining(ZonedDateTime t) {
    ZonedDateTime best = null;
    for (LinkConfig.Window w : config.windows()) {
      if (!w.contains(t.toLocalTime())) {
        continue;
      }
      LocalDateTime end = t.toLocalDate().atTime(w.end());
      ZonedDateTime candidate = end.atZone(config.zone());
      if (!candidate.isAfter(t)) {
        candidate = end.plusDays(1).atZone(config.zone());
      }
      if (best == null || candidate.isAfter(best)) {
        best = candidate;
      }
    }
    return best;
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
