package io.outflux.meter;

import io.outflux.config.ConfigReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A metered link (config section {@code link}, docs/metered-links.md): how fast, when and how much
 * the client may send. Every limit is off by default.
 *
 * @param maxRate most bytes of line protocol per second, smoothed over one second; 0 = no limit
 * @param windows times of day when sending is allowed; empty = always
 * @param dailyQuota most bytes per local day; 0 = no quota
 * @param zone the time zone of the windows and of the day's start
 * @param networkInterface send only while this network interface is up (e.g. {@code "wwan0"}); empty = any
 */
public record LinkConfig(long maxRate, List<Window> windows, long dailyQuota, ZoneId zone,
                         Optional<String> networkInterface) {

  /** Where Linux shows network interfaces; {@code <name>/operstate} says whether one is up. */
  public static final Path SYS_CLASS_NET = Path.of("/sys/class/net");
  private static final Pattern INTERFACE_NAME = Pattern.compile("[A-Za-z0-9._:@-]{1,15}");

  /** A time-of-day window {@code [start, end)}; one that ends before it starts spans midnight. */
  public record Window(LocalTime start, LocalTime end) {

    public boolean contains(LocalTime t) {
      return start.isBefore(end) ? !t.isBefore(start) && t.isBefore(end) : !t.isBefore(start) || t.isBefore(end);
    }

    @Override
    public String toString() {
      return start + "-" + end;
    }
  }

  public static LinkConfig unlimited() {
    return new LinkConfig(0, List.of(), 0, ZoneId.systemDefault(), Optional.empty());
  }

  public boolean limited() {
    return maxRate > 0 || !windows.isEmpty() || dailyQuota > 0 || networkInterface.isPresent();
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
    return new LinkConfig(maxRate, List.copyOf(windows), quota, zone, networkInterface(r));
  }

  private static Optional<String> networkInterface(ConfigReader r) {
    String name = r.string("interface", "");
    if (name.isEmpty()) {
      return Optional.empty();
    }
    if (!INTERFACE_NAME.matcher(name).matches()) {
      throw r.error("interface", "\"" + name + "\" is not a network interface name (e.g. \"wwan0\")");
    }
    // checked once at start (like the TLS files): a typo would otherwise stop sending for good
    if (!Files.isDirectory(SYS_CLASS_NET.resolve(name))) {
      throw r.error("interface", "no network interface \"" + name + "\" on this machine (see " + SYS_CLASS_NET + ")");
    }
    return Optional.of(name);
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
