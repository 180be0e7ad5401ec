package io.outflux.lineprotocol;

/**
 * Byte classes of the reference grammar as one lookup table, so the hot loops do a single array
 * load and mask per byte instead of a chain of comparisons.
 */
final class ByteClasses {

  /** Printable ASCII allowed as-is in tag keys, tag values and field keys. */
  static final int NAME = 1;
  /** Like {@link #NAME} plus '=', which the reference allows unescaped in measurements. */
  static final int MEASUREMENT = 2;
  /** Escapable after '\' in names (", ="); the pair is then part of the name. */
  static final int NAME_ESCAPE = 4;
  /** Allowed in a comment line: printable ASCII and any byte >= 0x80 (not UTF-8 checked). */
  static final int COMMENT = 8;
  /** 0x00-0x1f and 0x7f: never allowed in names, comments or between sections. */
  static final int CONTROL = 16;
  /** Characters the reference takes into a timestamp token before parsing it. */
  static final int TIME = 32;
  /** Bytes that end an unquoted field value token (',' and ' '). */
  static final int VALUE_END = 64;
  /**
   * Plain bytes of a tag value: {@link #NAME} plus control characters other than CR and LF. The
   * corpus accepts these (e.g. "m,k=x\x01y v=1"), unlike in keys and measurements.
   */
  static final int TAG_VALUE = 128;

  private static final int[] TABLE = new int[256];

  static {
    for (int c = 0; c < 256; c++) {
      int cls = 0;
      if (c < 0x20 || c == 0x7f) {
        cls |= CONTROL;
      } else if (c < 0x7f) {
        cls |= COMMENT;
        if (c != ' ' && c != ',' && c != '\\') {
          cls |= MEASUREMENT;
          if (c != '=') {
            cls |= NAME;
          }
        }
      } else {
        cls |= COMMENT;
      }
      if (c == ',' || c == '=' || c == ' ') {
        cls |= NAME_ESCAPE;
      }
      if (c == '-' || (c >= '0' && c <= '9')) {
        cls |= TIME;
      }
      if (c == ',' || c == ' ') {
        cls |= VALUE_END;
      }
      if ((cls & NAME) != 0 || ((cls & CONTROL) != 0 && c != '\r' && c != '\n')) {
        cls |= TAG_VALUE;
      }
      TABLE[c] = cls;
    }
  }

  private ByteClasses() {
  }

  static int of(byte b) {
    return TABLE[b & 0xff];
  }

  static boolean is(byte b, int cls) {
    return (TABLE[b & 0xff] & cls) != 0;
  }
}
