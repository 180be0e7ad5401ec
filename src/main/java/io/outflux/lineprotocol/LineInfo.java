package io.outflux.lineprotocol;

/**
 * The result of scanning one line, reused from line to line so that scanning allocates nothing.
 *
 * <p>All positions are indexes into the array passed to {@link LineScanner#scan}; ranges are
 * half-open ({@code [start, end)}). Only the fields of the current {@link #kind()} are meaningful:
 * boundaries for {@link LineKind#POINT}, {@link #error()} and {@link #errorPosition()} for
 * {@link LineKind#ERROR}. The reader of a POINT can rebuild it as
 * {@code measurement [ ,tags] fields [ timestamp]} from these ranges without re-parsing.
 */
public final class LineInfo {

  LineKind kind = LineKind.SKIP;
  int lineStart;
  int lineEnd;
  boolean carriageReturn;
  int measurementStart;
  int measurementEnd;
  int tagsStart;
  int tagsEnd;
  int tagCount;
  int fieldsStart;
  int fieldsEnd;
  int fieldCount;
  boolean timestampPresent;
  int timestampStart;
  int timestampEnd;
  long timestamp;
  LineError error;
  int errorPosition;
  /** The byte found at the error position, or -1 at the end of the line; only for the reason. */
  int errorByte;

  public LineKind kind() {
    return kind;
  }

  /** First byte of the line as given to the scanner. */
  public int lineStart() {
    return lineStart;
  }

  /**
   * End of the line's content: the given end, minus one if the line ended in '\r' (CRLF). Writing
   * {@code [lineStart, lineEnd)} plus '\n' is the CRLF-normalised line.
   */
  public int lineEnd() {
    return lineEnd;
  }

  /** Whether the line ended in '\r' that {@link #lineEnd()} excludes. */
  public boolean hasCarriageReturn() {
    return carriageReturn;
  }

  /** First byte of the measurement name (after any leading spaces the grammar tolerates). */
  public int measurementStart() {
    return measurementStart;
  }

  /** End of the (escaped) measurement name: the ',' before the tags or the ' ' before the fields. */
  public int measurementEnd() {
    return measurementEnd;
  }

  /** The tag set without its leading ',' ({@code k=v,k2=v2}); empty when there are no tags. */
  public int tagsStart() {
    return tagsStart;
  }

  public int tagsEnd() {
    return tagsEnd;
  }

  public int tagCount() {
    return tagCount;
  }

  /** The field set ({@code f=1,g="x"}), never empty for a POINT. */
  public int fieldsStart() {
    return fieldsStart;
  }

  public int fieldsEnd() {
    return fieldsEnd;
  }

  public int fieldCount() {
    return fieldCount;
  }

  /** Whether the line carries its own timestamp; if not, the caller appends the read time. */
  public boolean timestampPresent() {
    return timestampPresent;
  }

  /** Digits of the timestamp; {@code timestampStart == timestampEnd} when absent. */
  public int timestampStart() {
    return timestampStart;
  }

  public int timestampEnd() {
    return timestampEnd;
  }

  /** The timestamp in the scanner's precision; 0 when absent. */
  public long timestamp() {
    return timestamp;
  }

  /** Why the line was rejected, or null unless {@link #kind()} is ERROR. */
  public LineError error() {
    return error;
  }

  /** Index of the byte where the error was detected (may equal {@link #lineEnd()}). */
  public int errorPosition() {
    return errorPosition;
  }

  /** One-based byte column of the error within the line, as InfluxDB reports positions. */
  public int errorColumn() {
    return errorPosition - lineStart + 1;
  }

  /**
   * A human-readable reason for a dead-letter record, e.g. {@code "invalid field value at column
   * 12 (found 'x')"}. Builds a new String, so call it only for rejected lines.
   */
  public String reason() {
    if (error == null) {
      return kind == LineKind.SKIP ? "blank or comment line" : "valid";
    }
    StringBuilder sb = new StringBuilder(64).append(error.description())
        .append(" at column ").append(errorColumn());
    if (errorByte < 0) {
      sb.append(" (end of line)");
    } else if (errorByte >= 0x20 && errorByte < 0x7f) {
      sb.append(" (found '").append((char) errorByte).append("')");
    } else {
      sb.append(String.format(" (found byte 0x%02x)", errorByte));
    }
    return sb.toString();
  }

  /** Moves every position by {@code delta}: used when the scanned array is a window of a buffer. */
  void shift(int delta) {
    lineStart += delta;
    lineEnd += delta;
    measurementStart += delta;
    measurementEnd += delta;
    tagsStart += delta;
    tagsEnd += delta;
    fieldsStart += delta;
    fieldsEnd += delta;
    timestampStart += delta;
    timestampEnd += delta;
    errorPosition += delta;
  }

  @Override
  public String toString() {
    return kind == LineKind.ERROR ? "ERROR: " + reason()
        : kind + "[measurement " + measurementStart + ".." + measurementEnd + ", tags " + tagsStart
        + ".." + tagsEnd + ", fields " + fieldsStart + ".." + fieldsEnd
        + (timestampPresent ? ", time " + timestamp : ", no time") + "]";
  }
}
