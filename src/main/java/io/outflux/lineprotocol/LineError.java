package io.outflux.lineprotocol;

/**
 * Why a line was rejected. The codes follow the checks of InfluxData's reference decoder
 * (github.com/influxdata/line-protocol/v2), whose corpus is the acceptance oracle; the wording is
 * ours (the corpus does not require matching messages).
 */
public enum LineError {
  /** The line starts with a character that cannot begin a measurement name (e.g. ',' or a tab). */
  EMPTY_MEASUREMENT("no measurement name"),
  /** A control character (0x00-0x1f, 0x7f) where a name or comment character was expected. */
  CONTROL_CHAR("control character"),
  /** Measurement and tags but no field set: InfluxDB requires at least one field. */
  MISSING_FIELDS("no field set"),
  /** A ',' in the tag set not followed by a tag key. */
  EMPTY_TAG_KEY("empty tag key"),
  /** A tag key not followed by '='. */
  MISSING_TAG_EQUALS("expected '=' after tag key"),
  /** {@code key=} with nothing before the next ',' or ' '. */
  EMPTY_TAG_VALUE("empty tag value"),
  /** The same tag key twice (compared unescaped); the reference rejects the whole point. */
  DUPLICATE_TAG_KEY("duplicate tag key"),
  /** A ',' in the field set not followed by a field key, or a field set starting with a bad byte. */
  EMPTY_FIELD_KEY("empty field key"),
  /** A field key not followed by '='. */
  MISSING_FIELD_EQUALS("expected '=' after field key"),
  /** {@code key=} at the end of the line. */
  MISSING_FIELD_VALUE("no field value"),
  /** A value that is not a float, integer ({@code i}), unsigned ({@code u}), boolean or string. */
  BAD_FIELD_VALUE("invalid field value"),
  /** A number that does not fit its type (int64, uint64, finite float64). */
  FIELD_VALUE_OUT_OF_RANGE("field value out of range"),
  /** A string field value without its closing quote on this line. */
  UNTERMINATED_STRING("unterminated string field value"),
  /** A byte that cannot start or continue the section it is in (e.g. '=' after a tag value). */
  UNEXPECTED_CHAR("unexpected character"),
  /** The timestamp is not an optionally negative decimal integer. */
  BAD_TIMESTAMP("invalid timestamp"),
  /** The timestamp is outside int64 nanoseconds once scaled by the precision. */
  TIMESTAMP_OUT_OF_RANGE("timestamp out of range"),
  /** More text after the timestamp. */
  TRAILING_TEXT("unexpected text after timestamp"),
  /** A name, tag value or string field value that is not valid UTF-8. */
  INVALID_UTF8("invalid UTF-8");

  private final String description;

  LineError(String description) {
    this.description = description;
  }

  /** A short, lower-case phrase for logs and dead-letter records. */
  public String description() {
    return description;
  }
}
