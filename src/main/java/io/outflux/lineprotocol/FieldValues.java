package io.outflux.lineprotocol;

/**
 * Syntax and range checks of unquoted field values, without parsing them into objects.
 *
 * <p>The reference decoder hands the token to Go's {@code strconv}: {@code ParseInt} for a
 * trailing {@code i}, {@code ParseUint} for {@code u}, {@code ParseFloat} otherwise. Their exact
 * rules are what decides validity, so they are mirrored here, including the less known ones:
 * {@code ParseFloat} takes hex floats ({@code 0x1p-2}) and '_' between digits ({@code 1_000.5}),
 * while base-10 {@code ParseInt} takes neither. Each method returns null when the value is valid.
 */
final class FieldValues {

  /** Beyond this many exponent digits the value is saturated, as Go's {@code readFloat} does. */
  private static final int EXPONENT_CAP = 100_000;

  private FieldValues() {
  }

  /** A token starting with '-', '.' or a digit: integer, unsigned or float by its last byte. */
  static LineError checkNumber(byte[] b, int start, int end) {
    byte last = b[end - 1];
    if (last == 'i') {
      return checkInteger(b, start, end - 1);
    }
    if (last == 'u') {
      return checkUnsigned(b, start, end - 1);
    }
    return checkFloat(b, start, end);
  }

  static LineError checkInteger(byte[] b, int start, int end) {
    boolean negative = start < end && b[start] == '-';
    int i = negative ? start + 1 : start;
    if (i == end) {
      return LineError.BAD_FIELD_VALUE;
    }
    // Accumulate negatively so that Long.MIN_VALUE fits, as Long.parseLong does.
    long limit = negative ? Long.MIN_VALUE : -Long.MAX_VALUE;
    long multiplyLimit = limit / 10;
    long acc = 0;
    for (; i < end; i++) {
      int d = b[i] - '0';
      if (d < 0 || d > 9) {
        return LineError.BAD_FIELD_VALUE;
      }
      if (acc < multiplyLimit || acc * 10 < limit + d) {
        return hasOnlyDigits(b, i + 1, end) ? LineError.FIELD_VALUE_OUT_OF_RANGE
            : LineError.BAD_FIELD_VALUE;
      }
      acc = acc * 10 - d;
    }
    return null;
  }

  static LineError checkUnsigned(byte[] b, int start, int end) {
    if (start == end) {
      return LineError.BAD_FIELD_VALUE;
    }
    long acc = 0;
    for (int i = start; i < end; i++) {
      int d = b[i] - '0';
      if (d < 0 || d > 9) {
        return LineError.BAD_FIELD_VALUE;
      }
      // acc is unsigned: it overflows when acc * 10 + d exceeds 2^64 - 1.
      if (Long.compareUnsigned(acc, Long.divideUnsigned(-1L - d, 10)) > 0) {
        return hasOnlyDigits(b, i + 1, end) ? LineError.FIELD_VALUE_OUT_OF_RANGE
            : LineError.BAD_FIELD_VALUE;
      }
      acc = acc * 10 + d;
    }
    return null;
  }

  static LineError checkBoolean(byte[] b, int start, int end) {
    int n = end - start;
    byte c = b[start];
    if (n == 1) {
      return c == 't' || c == 'T' || c == 'f' || c == 'F' ? null : LineError.BAD_FIELD_VALUE;
    }
    // Only the three spellings Go's line-protocol accepts: lower, Capitalised and UPPER.
    if (n == 4) {
      return matches(b, start, "true") || matches(b, start, "True") || matches(b, start, "TRUE")
          ? null : LineError.BAD_FIELD_VALUE;
    }
    if (n == 5) {
      return matches(b, start, "false") || matches(b, start, "False") || matches(b, start, "FALSE")
          ? null : LineError.BAD_FIELD_VALUE;
    }
    return LineError.BAD_FIELD_VALUE;
  }

  /** Go's {@code ParseFloat(s, 64)} syntax, then "finite": NaN/Inf and overflow are rejected. */
  static LineError checkFloat(byte[] b, int start, int end) {
    int i = start;
    if (b[i] == '-' || b[i] == '+') {
      i++;
    }
    boolean hex = false;
    if (i + 2 < end && b[i] == '0' && (b[i + 1] | 0x20) == 'x') {
      hex = true;
      i += 2;
    }
    boolean underscores = false;
    boolean sawDot = false;
    boolean sawDigits = false;
    int significant = 0; // significant (non-leading-zero) digits
    int pointShift = 0;  // decimal point position relative to the first significant digit
    for (; i < end; i++) {
      byte c = b[i];
      if (c == '_') {
        underscores = true;
      } else if (c == '.') {
        if (sawDot) {
          break;
        }
        sawDot = true;
        pointShift = significant;
      } else if ((c >= '0' && c <= '9') || (hex && (c | 0x20) >= 'a' && (c | 0x20) <= 'f')) {
        sawDigits = true;
        if (c == '0' && significant == 0) {
          pointShift--;
        } else {
          significant++;
        }
      } else {
        break;
      }
    }
    if (!sawDigits) {
      return LineError.BAD_FIELD_VALUE;
    }
    if (!sawDot) {
      pointShift = significant;
    }
    long exponent = 0;
    if (i < end && (b[i] | 0x20) == (hex ? 'p' : 'e')) {
      i++;
      int sign = 1;
      if (i < end && (b[i] == '+' || b[i] == '-')) {
        sign = b[i] == '-' ? -1 : 1;
        i++;
      }
      if (i >= end || b[i] < '0' || b[i] > '9') {
        return LineError.BAD_FIELD_VALUE;
      }
      for (; i < end && ((b[i] >= '0' && b[i] <= '9') || b[i] == '_'); i++) {
        if (b[i] == '_') {
          underscores = true;
        } else if (exponent < EXPONENT_CAP) {
          exponent = exponent * 10 + (b[i] - '0');
        }
      }
      exponent *= sign;
    } else if (hex) {
      return LineError.BAD_FIELD_VALUE; // Go requires the p exponent on hex floats
    }
    if (i != end || (underscores && !underscoresOk(b, start, end))) {
      return LineError.BAD_FIELD_VALUE;
    }
    if (significant == 0) {
      return null; // zero, whatever the exponent
    }
    if (hex) {
      return finiteBySlowParse(b, start, end);
    }
    // The value lies in [10^(e-1), 10^e) with e = pointShift + exponent; float64's maximum is
    // about 1.8e308, so only e == 309 needs the exact, slower comparison.
    long e = pointShift + exponent;
    if (e < 309) {
      return null;
    }
    if (e > 309) {
      return LineError.FIELD_VALUE_OUT_OF_RANGE;
    }
    return finiteBySlowParse(b, start, end);
  }

  /**
   * Exact overflow check by the JDK's correctly rounded parser, for the rare values near the
   * float64 limit and for hex floats. Allocates, which is acceptable for such lines.
   */
  private static LineError finiteBySlowParse(byte[] b, int start, int end) {
    StringBuilder sb = new StringBuilder(end - start);
    for (int i = start; i < end; i++) {
      if (b[i] != '_') {
        sb.append((char) b[i]);
      }
    }
    String text = sb.toString();
    try {
      return Double.isInfinite(Double.parseDouble(text)) ? LineError.FIELD_VALUE_OUT_OF_RANGE
          : null;
    } catch (NumberFormatException e) {
      // The syntax was checked above with Go's rules, which are looser than Java's only in ways
      // that do not reach here; treat a disagreement as invalid rather than pass it on.
      return LineError.BAD_FIELD_VALUE;
    }
  }

  /** Go's {@code underscoreOK}: '_' only between digits, or between a base prefix and a digit. */
  private static boolean underscoresOk(byte[] b, int start, int end) {
    char saw = '^';
    int i = start;
    if (i < end && (b[i] == '-' || b[i] == '+')) {
      i++;
    }
    boolean hex = false;
    if (end - i >= 2 && b[i] == '0'
        && ((b[i + 1] | 0x20) == 'b' || (b[i + 1] | 0x20) == 'o' || (b[i + 1] | 0x20) == 'x')) {
      hex = (b[i + 1] | 0x20) == 'x';
      i += 2;
      saw = '0';
    }
    for (; i < end; i++) {
      byte c = b[i];
      if ((c >= '0' && c <= '9') || (hex && (c | 0x20) >= 'a' && (c | 0x20) <= 'f')) {
        saw = '0';
      } else if (c == '_') {
        if (saw != '0') {
          return false;
        }
        saw = '_';
      } else {
        if (saw == '_') {
          return false;
        }
        saw = '!';
      }
    }
    return saw != '_';
  }

  private static boolean hasOnlyDigits(byte[] b, int start, int end) {
    for (int i = start; i < end; i++) {
      if (b[i] < '0' || b[i] > '9') {
        return false;
      }
    }
    return true;
  }

  private static boolean matches(byte[] b, int start, String ascii) {
    for (int k = 0; k < ascii.length(); k++) {
      if (b[start + k] != ascii.charAt(k)) {
        return false;
      }
    }
    return true;
  }
}
