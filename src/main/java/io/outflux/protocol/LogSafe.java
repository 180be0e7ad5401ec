package io.outflux.protocol;

/**
 * Makes text a peer supplied (a user name, a database name, a header, an error text echoing a
 * request) safe to put into a log line: control characters, line and paragraph separators and
 * backslashes are escaped, so a value with a newline cannot forge a log line of its own, in the
 * plain or the JSON log format; long values are cut. Every log statement with client-supplied
 * text goes through {@link #of}.
 */
public final class LogSafe {

  /** Characters kept of a value; an attacker's megabyte of text is not worth a megabyte of log. */
  public static final int MAX_CHARS = 256;

  private LogSafe() {
  }

  public static String of(Object value) {
    String s = String.valueOf(value);
    int n = Math.min(s.length(), MAX_CHARS);
    StringBuilder out = null;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (needsEscape(c)) {
        if (out == null) {
          out = new StringBuilder(n + 16).append(s, 0, i);
        }
        escape(c, out);
      } else if (out != null) {
        out.append(c);
      }
    }
    if (out == null && s.length() <= MAX_CHARS) {
      return s;
    }
    if (out == null) {
      out = new StringBuilder(s.substring(0, n));
    }
    if (s.length() > MAX_CHARS) {
      out.append("...(").append(s.length()).append(" chars)");
    }
    return out.toString();
  }

  private static boolean needsEscape(char c) {
    return c < 0x20 || c == 0x7f || c == '\\' || (c >= 0x80 && c <= 0x9f) || c == '\u2028' || c == '\u2029';
  }

  private static void escape(char c, StringBuilder out) {
    switch (c) {
      case '\n' -> out.append("\\n");
      case '\r' -> out.append("\\r");
      case '\t' -> out.append("\\t");
      case '\\' -> out.append("\\\\");
      default -> out.append(String.format("\\u%04x", (int) c));
    }
  }
}
