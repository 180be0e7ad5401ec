package io.outflux.lineprotocol;

import static io.outflux.lineprotocol.ByteClasses.CONTROL;
import static io.outflux.lineprotocol.ByteClasses.MEASUREMENT;
import static io.outflux.lineprotocol.ByteClasses.NAME;
import static io.outflux.lineprotocol.ByteClasses.NAME_ESCAPE;
import static io.outflux.lineprotocol.ByteClasses.TAG_VALUE;
import static io.outflux.lineprotocol.ByteClasses.TIME;
import static io.outflux.lineprotocol.ByteClasses.VALUE_END;

/**
 * Validates one line of InfluxDB line protocol in place and reports its section boundaries,
 * following the grammar of InfluxData's reference decoder (line-protocol v2, whose corpus is the
 * acceptance test). It allocates nothing per line: results go into a caller-owned
 * {@link LineInfo}, errors are enum constants, and the reason text is only built on request.
 *
 * <p>The caller splits lines at '\n' (see {@link Newlines}) and passes each line without it:
 *
 * <pre>{@code
 * LineScanner scanner = new LineScanner(Precision.NS);
 * LineInfo line = new LineInfo();
 * int pos = from;
 * for (int nl; (nl = Newlines.indexOf(buf, pos, to)) >= 0; pos = nl + 1) {
 *   switch (scanner.scan(buf, pos, nl, line)) {
 *     case POINT -> send(buf, pos, line.lineEnd(), line.timestampPresent());
 *     case ERROR -> deadLetter(buf, pos, nl, line.reason());
 *     case SKIP -> { }
 *   }
 * }
 * // bytes from pos on are a partial last line: wait for its newline
 * }</pre>
 *
 * <p>Where the product and the reference differ by construction: a string field value cannot
 * span lines here, because the spool is split at every '\n' (the reference lets a quoted string
 * contain a raw newline). A trailing '\r' is excluded and reported, so CRLF files are accepted.
 *
 * <p>Not thread-safe: use one scanner per thread (it keeps scratch space for tag keys).
 */
public final class LineScanner {

  private final Precision precision;
  private final TagKeys tagKeys = new TagKeys();

  public LineScanner() {
    this(Precision.NS);
  }

  /** @param precision the precision timestamps are written in; only bounds their range */
  public LineScanner(Precision precision) {
    this.precision = precision;
  }

  public Precision precision() {
    return precision;
  }

  /**
   * Scans {@code b[start, end)}, one line without its '\n', into {@code info}.
   *
   * @return the kind of line, also available as {@link LineInfo#kind()}
   */
  public LineKind scan(byte[] b, int start, int end, LineInfo info) {
    info.error = null;
    info.tagCount = 0;
    info.fieldCount = 0;
    info.timestampPresent = false;
    info.timestamp = 0;
    info.lineStart = start;
    info.carriageReturn = end > start && b[end - 1] == '\r';
    if (info.carriageReturn) {
      end--;
    }
    info.lineEnd = end;
    int i = start;
    while (i < end && b[i] == ' ') {
      i++; // the reference skips leading spaces before a point or a comment
    }
    if (i == end) {
      return info.kind = LineKind.SKIP;
    }
    if (b[i] == '#') {
      return scanComment(b, i + 1, end, info);
    }
    info.measurementStart = i;
    i = scanName(b, i, end, MEASUREMENT);
    if (i < 0) {
      return fail(info, LineError.INVALID_UTF8, -i - 1, b, end);
    }
    if (i == info.measurementStart) {
      return failAt(info, LineError.EMPTY_MEASUREMENT, i, b, end);
    }
    info.measurementEnd = i;
    info.tagsStart = i;
    info.tagsEnd = i;
    if (i < end && b[i] == ',') {
      i = scanTags(b, i + 1, end, info);
      if (i < 0) {
        return LineKind.ERROR;
      }
    }
    if (i == end) {
      return fail(info, LineError.MISSING_FIELDS, i, b, end);
    }
    if (b[i] != ' ') {
      return failAt(info, LineError.UNEXPECTED_CHAR, i, b, end);
    }
    while (i < end && b[i] == ' ') {
      i++;
    }
    if (i == end) {
      return fail(info, LineError.MISSING_FIELDS, i, b, end);
    }
    i = scanFields(b, i, end, info);
    if (i < 0) {
      return LineKind.ERROR;
    }
    if (i == end) {
      info.timestampStart = end;
      info.timestampEnd = end;
      return info.kind = LineKind.POINT;
    }
    return scanTimestamp(b, i, end, info);
  }

  /**
   * Tags from {@code i}, just after the measurement's ','.
   *
   * @return the index after the tag set, or -1 after recording an error in {@code info}
   */
  private int scanTags(byte[] b, int i, int end, LineInfo info) {
    info.tagsStart = i;
    tagKeys.clear();
    while (true) {
      int keyStart = i;
      i = scanName(b, i, end, NAME);
      if (i < 0) {
        return failed(info, LineError.INVALID_UTF8, -i - 1, b, end);
      }
      if (i == keyStart) {
        return failed(info, controlOr(LineError.EMPTY_TAG_KEY, b, i, end), i, b, end);
      }
      if (i == end || b[i] != '=') {
        return failed(info, controlOr(LineError.MISSING_TAG_EQUALS, b, i, end), i, b, end);
      }
      tagKeys.add(b, keyStart, i);
      int valueStart = ++i;
      i = scanName(b, i, end, TAG_VALUE);
      if (i < 0) {
        return failed(info, LineError.INVALID_UTF8, -i - 1, b, end);
      }
      if (i == valueStart) {
        return failed(info, controlOr(LineError.EMPTY_TAG_VALUE, b, i, end), i, b, end);
      }
      info.tagCount++;
      if (i == end || b[i] != ',') {
        break;
      }
      i++;
    }
    info.tagsEnd = i;
    int duplicate = info.tagCount > 1 ? tagKeys.findDuplicate(b) : -1;
    if (duplicate >= 0) {
      return failed(info, LineError.DUPLICATE_TAG_KEY, duplicate, b, end);
    }
    return i;
  }

  /**
   * The field set from {@code i}, its first key.
   *
   * @return the index after the field set and the spaces behind it (end or the timestamp), or
   *     -1 after recording an error in {@code info}
   */
  private int scanFields(byte[] b, int i, int end, LineInfo info) {
    info.fieldsStart = i;
    while (true) {
      int keyStart = i;
      i = scanName(b, i, end, NAME);
      if (i < 0) {
        return failed(info, LineError.INVALID_UTF8, -i - 1, b, end);
      }
      if (i == keyStart) {
        return failed(info, controlOr(LineError.EMPTY_FIELD_KEY, b, i, end), i, b, end);
      }
      if (i == end || b[i] != '=') {
        return failed(info, controlOr(LineError.MISSING_FIELD_EQUALS, b, i, end), i, b, end);
      }
      i++;
      if (i == end) {
        return failed(info, LineError.MISSING_FIELD_VALUE, i, b, end);
      }
      i = scanFieldValue(b, i, end, info);
      if (i < 0) {
        return -1;
      }
      info.fieldCount++;
      if (i == end) {
        info.fieldsEnd = i;
        return i;
      }
      if (b[i] == ',') {
        i++;
        continue;
      }
      if (b[i] != ' ') {
        return failed(info, LineError.UNEXPECTED_CHAR, i, b, end);
      }
      info.fieldsEnd = i;
      while (i < end && b[i] == ' ') {
        i++;
      }
      return i;
    }
  }

  /** One field value at {@code i}; returns the index after it or -1 after recording an error. */
  private int scanFieldValue(byte[] b, int i, int end, LineInfo info) {
    byte c = b[i];
    if (c == '"') {
      int close = scanString(b, i + 1, end);
      if (close >= 0) {
        return close + 1;
      }
      if (close == Integer.MIN_VALUE) {
        return failed(info, LineError.UNTERMINATED_STRING, i, b, end);
      }
      return failed(info, LineError.INVALID_UTF8, -close - 1, b, end);
    }
    int simple = simpleNumberEnd(b, i, end);
    if (simple >= 0) {
      return simple;
    }
    int valueEnd = i + 1;
    while (valueEnd < end && (ByteClasses.of(b[valueEnd]) & VALUE_END) == 0) {
      valueEnd++;
    }
    LineError error;
    if (c == 't' || c == 'T' || c == 'f' || c == 'F') {
      error = FieldValues.checkBoolean(b, i, valueEnd);
    } else if (c == '-' || c == '.' || (c >= '0' && c <= '9')) {
      error = FieldValues.checkNumber(b, i, valueEnd);
    } else {
      error = LineError.BAD_FIELD_VALUE;
    }
    return error == null ? valueEnd : failed(info, error, i, b, end);
  }

  /**
   * The common shapes of numbers that need no range check: {@code -?d+(.d+)?} with at most 300
   * integer digits, and {@code -?d{1,18}[iu]}. Returns the index after the value, or -1 to leave
   * everything else (exponents, hex, '_', long integers, errors) to {@link FieldValues}.
   */
  private static int simpleNumberEnd(byte[] b, int i, int end) {
    int start = i;
    if (b[i] == '-') {
      i++;
    }
    int digitsStart = i;
    while (i < end && isDigit(b[i])) {
      i++;
    }
    int intDigits = i - digitsStart;
    if (intDigits == 0 || intDigits > 300) {
      return -1;
    }
    if (i == end || b[i] == ',' || b[i] == ' ') {
      return i;
    }
    byte c = b[i];
    if (c == '.') {
      int fractionStart = ++i;
      while (i < end && isDigit(b[i])) {
        i++;
      }
      return i > fractionStart && (i == end || b[i] == ',' || b[i] == ' ') ? i : -1;
    }
    if ((c == 'i' || (c == 'u' && b[start] != '-')) && intDigits <= 18) {
      i++;
      return i == end || b[i] == ',' || b[i] == ' ' ? i : -1;
    }
    return -1;
  }

  private static boolean isDigit(byte c) {
    return c >= '0' && c <= '9';
  }

  private LineKind scanTimestamp(byte[] b, int i, int end, LineInfo info) {
    int start = i;
    while (i < end && (ByteClasses.of(b[i]) & TIME) != 0) {
      i++;
    }
    if (i < end && b[i] != ' ') {
      return fail(info, LineError.BAD_TIMESTAMP, start, b, end);
    }
    int digitsEnd = i;
    while (i < end && b[i] == ' ') {
      i++;
    }
    if (i < end) {
      return fail(info, LineError.TRAILING_TEXT, i, b, end);
    }
    boolean negative = b[start] == '-';
    int d = negative ? start + 1 : start;
    if (d == digitsEnd) {
      return fail(info, LineError.BAD_TIMESTAMP, start, b, end);
    }
    long limit = negative ? Long.MIN_VALUE : -Long.MAX_VALUE;
    long multiplyLimit = limit / 10;
    long acc = 0;
    boolean overflow = false;
    for (; d < digitsEnd; d++) {
      int digit = b[d] - '0';
      if (digit < 0) {
        return fail(info, LineError.BAD_TIMESTAMP, start, b, end); // a '-' inside the digits
      }
      if (acc < multiplyLimit || acc * 10 < limit + digit) {
        overflow = true; // finish the loop: a stray '-' is bad syntax, not range
      } else {
        acc = acc * 10 - digit;
      }
    }
    long value = negative ? acc : -acc;
    if (overflow || !precision.fitsInNanos(value)) {
      return fail(info, LineError.TIMESTAMP_OUT_OF_RANGE, start, b, end);
    }
    info.timestampPresent = true;
    info.timestampStart = start;
    info.timestampEnd = digitsEnd;
    info.timestamp = value;
    return info.kind = LineKind.POINT;
  }

  private static LineKind scanComment(byte[] b, int i, int end, LineInfo info) {
    // The reference accepts any non-control byte in a comment and does not check its UTF-8.
    for (; i < end; i++) {
      if ((ByteClasses.of(b[i]) & CONTROL) != 0) {
        return fail(info, LineError.CONTROL_CHAR, i, b, end);
      }
    }
    return info.kind = LineKind.SKIP;
  }

  /**
   * Skips a name (measurement, tag key or value, field key): plain bytes of {@code cls}, escape
   * pairs ("\ ", "\,", "\=") and valid UTF-8 sequences. A '\' before anything else is a literal
   * backslash, as in the reference.
   *
   * @return the index of the first byte after the name, or {@code -(index + 1)} of invalid UTF-8
   */
  private static int scanName(byte[] b, int i, int end, int cls) {
    while (i < end) {
      byte c = b[i];
      if ((ByteClasses.of(c) & cls) != 0) {
        i++;
      } else if (c == '\\') {
        i += i + 1 < end && (ByteClasses.of(b[i + 1]) & NAME_ESCAPE) != 0 ? 2 : 1;
      } else if (c < 0) {
        int n = Utf8.sequenceLength(b, i, end);
        if (n < 0) {
          return -i - 1;
        }
        i += n;
      } else {
        break;
      }
    }
    return i;
  }

  /**
   * Skips the inside of a quoted string from just after its opening quote. Only '\"' and '\\'
   * matter for finding the end; any other byte, control characters included, is content.
   *
   * @return the index of the closing quote, {@code Integer.MIN_VALUE} if there is none, or
   *     {@code -(index + 1)} of invalid UTF-8
   */
  private static int scanString(byte[] b, int i, int end) {
    while (i < end) {
      byte c = b[i];
      if (c == '"') {
        return i;
      }
      if (c == '\\') {
        i += i + 1 < end && (b[i + 1] == '"' || b[i + 1] == '\\') ? 2 : 1;
      } else if (c < 0) {
        int n = Utf8.sequenceLength(b, i, end);
        if (n < 0) {
          return -i - 1;
        }
        i += n;
      } else {
        i++;
      }
    }
    return Integer.MIN_VALUE;
  }

  /** A control character where a name should be is reported as such; it is the usual cause. */
  private static LineError controlOr(LineError error, byte[] b, int i, int end) {
    return i < end && (ByteClasses.of(b[i]) & CONTROL) != 0 ? LineError.CONTROL_CHAR : error;
  }

  private static LineKind failAt(LineInfo info, LineError error, int i, byte[] b, int end) {
    return fail(info, controlOr(error, b, i, end), i, b, end);
  }

  private static LineKind fail(LineInfo info, LineError error, int i, byte[] b, int end) {
    info.error = error;
    info.errorPosition = i;
    info.errorByte = i < end ? b[i] & 0xff : -1;
    return info.kind = LineKind.ERROR;
  }

  private static int failed(LineInfo info, LineError error, int i, byte[] b, int end) {
    fail(info, error, i, b, end);
    return -1;
  }
}
