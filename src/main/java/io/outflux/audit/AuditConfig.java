package io.outflux.audit;

import io.outflux.config.ConfigReader;
import io.outflux.meter.LinkConfig;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;

/**
 * The continuous audit ({@code audit.*}, docs/audit.md): every {@code interval}, compare per
 * measurement and {@code window} the edge InfluxDB's counts with the centre's, over closed windows
 * older than {@code lag}, and re-send the windows that differ.
 *
 * @param enabled off by default; needs the {@code edge} section
 * @param interval how often a cycle runs
 * @param window the size of one compared window (aligned to the epoch)
 * @param lag a window is compared once its end is this much in the past (points still on their way are not gaps)
 * @param lookback how far back the first cycle starts (later ones continue where the last stopped)
 * @param maxWindowsPerCycle windows (of all measurements together) compared per cycle: the load bound on both InfluxDBs
 * @param hours times of day when cycles may run; empty: any time
 * @param followLink also only inside {@code link.windows}, when the link has windows
 * @param measurements the measurements to audit; empty: all the edge database has (at most 50)
 * @param recheckAfter how long after re-sending a window it is compared again
 */
public record AuditConfig(boolean enabled, Duration interval, Duration window, Duration lag, Duration lookback,
                          int maxWindowsPerCycle, List<LinkConfig.Window> hours, boolean followLink,
                          List<String> measurements, Duration recheckAfter) {

  public static final AuditConfig OFF = new AuditConfig(false, Duration.ofHours(1), Duration.ofHours(1),
      Duration.ofHours(1), Duration.ofDays(1), 48, List.of(), true, List.of(), Duration.ofMinutes(5));

  public static AuditConfig from(ConfigReader r) {
    boolean enabled = r.bool("enabled", false);
    Duration interval = r.duration("interval", OFF.interval(), Duration.ofMillis(100), Duration.ofDays(7));
    Duration window = r.duration("window", OFF.window(), Duration.ofSeconds(1), Duration.ofDays(1));
    if (window.toNanos() % 1_000_000_000L != 0) {
      throw r.error("window", "must be whole seconds");
    }
    Duration lag = r.duration("lag", OFF.lag(), Duration.ZERO, Duration.ofDays(30));
    Duration lookback = r.duration("lookback", OFF.lookback(), window, Duration.ofDays(3650));
    int max = r.integer("maxWindowsPerCycle", OFF.maxWindowsPerCycle(), 1, AuditQuery.MAX_WINDOWS);
    List<LinkConfig.Window> hours = new ArrayList<>();
    for (String text : r.stringList("hours", List.of())) {
      hours.add(window(r, text));
    }
    boolean followLink = r.bool("followLink", true);
    List<String> measurements = r.stringList("measurements", List.of());
    if (measurements.size() > AuditQuery.MAX_MEASUREMENTS) {
      throw r.error("measurements", "at most " + AuditQuery.MAX_MEASUREMENTS + " measurements");
    }
    Duration recheck = r.duration("recheckAfter", OFF.recheckAfter(), Duration.ofMillis(100), Duration.ofDays(1));
    return new AuditConfig(enabled, interval, window, lag, lookback, max, List.copyOf(hours), followLink,
        List.copyOf(measurements), recheck);
  }

  private static LinkConfig.Window window(ConfigReader r, String text) {
    String[] parts = text.split("-");
    try {
      if (parts.length == 2) {
        LinkConfig.Window w = new LinkConfig.Window(LocalTime.parse(parts[0].trim()), LocalTime.parse(parts[1].trim()));
        if (!w.start().equals(w.end())) {
          return w;
        }
      }
    } catch (DateTimeException e) {
      // reported below
    }
    throw r.error("hours", "\"" + text + "\" is not a time of day window like \"01:00-05:00\"");
  }
}
