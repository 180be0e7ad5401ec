package io.outflux.metrics;

import java.time.Duration;
import java.util.Locale;

/**
 * The one formatter for numbers a person reads in logs, messages and {@code outflux status}:
 * {@code 12,345}, {@code 17.6 MiB}, {@code 20 s}, {@code 5 min}, {@code 3 min 05 s}, and response
 * bodies cut to one line ({@link #snippet}). Binary size units, as in the config files.
 */
public final class Human {

  /** What {@link #snippet} keeps of a body by default: enough for InfluxDB's error, short for a log line. */
  public static final int SNIPPET_CHARS = 200;

  private Human() {
  }

  /** {@code 12,345} */
  public static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /** {@code 512 B}, {@code 1.2 KiB}, {@code 17.6 MiB}, {@code 1.0 GiB}. */
  public static String bytes(long b) {
    if (b < 1024) {
      return b + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double v = b;
    int i = -1;
    while (v >= 1024 && i < units.length - 1) {
      v /= 1024;
      i++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[i]);
  }

  /**
   * {@code 0.3 s}, {@code 4.2 s}, {@code 20 s}, {@code 5 min}, {@code 3 min 05 s}, {@code 2 h},
   * {@code 2 h 03 min}, {@code 3 d 04 h}: the larger unit and, when not zero, the next one.
   */
  public static String duration(Duration d) {
    long ms = Math.max(0, d.toMillis());
    if (ms < 10_000) {
      return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }
    long s = ms / 1000;
    if (s < 60) {
      return s + " s";
    }
    if (s < 3600) {
      return pair(s / 60, "min", s % 60, "s");
    }
    if (s < 86_400) {
      return pair(s / 3600, "h", s % 3600 / 60, "min");
    }
    return pair(s / 86_400, "d", s % 86_400 / 3600, "h");
  }

  private static String pair(long big, String bigUnit, long small, String smallUnit) {
    return small == 0 ? big + " " + bigUnit : String.format(Locale.ROOT, "%d %s %02d %s", big, bigUnit, small, smallUnit);
  }

  /** A response body or other foreign text as one log-safe line of at most {@value #SNIPPET_CHARS} characters. */
  public static String snippet(String text) {
    return snippet(text, SNIPPET_CHARS);
  }

  /** Control characters (newlines included) become spaces, runs of blanks one space; longer text is cut with "...". */
  public static String snippet(String text, int max) {
    if (text == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder(Math.min(text.length(), max + 3));
    boolean blank = false;
    for (int i = 0; i < text.length() && sb.length() < max; i++) {
      char c = text.charAt(i);
      boolean space = Character.isWhitespace(c) || Character.isISOControl(c);
      if (space) {
        if (!blank && sb.length() > 0) {
          sb.append(' ');
        }
        blank = true;
      } else {
        sb.append(c);
        blank = false;
      }
    }
    String out = sb.toString().strip();
    return sb.length() >= max && out.length() < text.strip().length() ? out + "..." : out;
  }
}
