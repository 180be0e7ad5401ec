package io.outflux.meter;

import io.outflux.config.ConfigReader;
import java.time.DateTimeException;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * A metered link (config section {@code link}, docs/metered-links.md): how fast, when and how much
 * the client may send. Every limit is off by default.
 *
 * @param maxRate most bytes of line protocol per second, smoothed over one second; 0 = no limit
 * @param windows times of day when sending is allowed; empty = always
 * @param dailyQuota most bytes per local day; 0 = no quota
 * @param zone the time zone of the windows and of the day's start
 */
public record LinkConfig(long maxRate, List<Window> windows, long dailyQuota, ZoneId zone) {

  /** A time-of-day window {@code [start, end)}; one that ends before it starts spans midnight. */
  public record Window(LocalTime start, LocalTime end) {

    boolean contains(LocalTime t) {
      return start.isBefore(end) ? !t.isBefore(start) && t.isBefore(end) : !t.isBefore(start) || t.isBefore(end);
    }

    @Override
    public String toString() {
      return start + "-" + end;
    }
  }

  public static LinkConfig unlimited() {
    return new LinkConfig(0, List.of(), 0, ZoneId.systemDefault());
  }

  public boolean limited() {
    return maxRate > 0 || !windows.isEmpty() || dailyQuota > 0;
  }

  public static LinkConfig from(ConfigReader r) {
    long maxRate = r.size("maxRate", 0, 0, 1L << 40);
    if (maxRate > 0 && maxRate < 1024) {
      throw r.error("maxRate", "must be 0 (no limit) or at least 1KiB per second");
    }
    List<Window> windows = new ArrayList<>();
    for (String w : r.stringList("windows", List.of())) {
      windows.add(window(r, w));
    }
    long quota = r.size("dailyQuota", 0, 0, 1L << 50);
    ZoneId zone;
    String z = r.string("timeZone", "");
    try {
      zone = z.isEmpty() ? ZoneId.systemDefault() : ZoneId.of(z);
    } catch (DateTimeException e) {
      throw r.error("timeZone", "\"" + z + "\" is not a time zone (e.g. \"Europe/Berlin\", \"UTC\")");
    }
    return new LinkConfig(maxRate, List.copyOf(windows), quota, zone);
  }

  private static Window window(ConfigReader r, String text) {
    String[] parts = text.split("-");
    try {
      if (parts.length == 2) {
        Window w = new Window(LocalTime.parse(parts[0].trim()), LocalTime.parse(parts[1].trim()));
        if (!w.start().equals(w.end())) {
          return w;
        }
      }
    } catch (DateTimeException e) {
      // reported below
    }
    throw r.error("windows", "\"" + text + "\" is not a window like \"01:00-05:00\" (start and end differ)");
  }
}
