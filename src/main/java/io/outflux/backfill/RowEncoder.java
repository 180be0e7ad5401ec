package io.outflux.backfill;

import io.vertx.core.json.JsonArray;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns one row of {@code SELECT * ... epoch=<precision>} back into the line it was written as:
 * tags (sorted, as InfluxDB keys a series), fields with their stored types (integer {@code i},
 * unsigned {@code u}, booleans, strings escaped, floats in plain notation so they parse back to the
 * same double) and the timestamp. Null columns are tags or fields the point did not have.
 */
public final class RowEncoder {

  private final MeasurementSchema schema;
  private final String measurement;

  public RowEncoder(MeasurementSchema schema) {
    this.schema = schema;
    this.measurement = escape(schema.measurement(), ", ");
  }

  /** The line without its '\n', or empty when the row cannot be a spool line (a string with a newline). */
  public Optional<String> encode(JsonArray columns, JsonArray values) {
    Map<String, String> tags = new TreeMap<>();
    StringBuilder fields = new StringBuilder();
    long time = 0;
    for (int i = 0; i < columns.size(); i++) {
      String column = columns.getString(i);
      Object value = values.getValue(i);
      if (i == 0 && column.equals("time")) {
        time = ((Number) value).longValue();
        continue;
      }
      if (value == null) {
        continue;
      }
      if (schema.tags().contains(column) && !schema.fieldTypes().containsKey(column)) {
        if (!value.toString().isEmpty()) {
          tags.put(column, value.toString());
        }
        continue;
      }
      Set<String> types = schema.fieldTypes().get(column);
      if (types == null) {
        continue;
      }
      String field = field(types, value);
      if (field == null) {
        return Optional.empty();
      }
      fields.append(fields.length() == 0 ? "" : ",").append(escape(column, ",= ")).append('=').append(field);
    }
    if (fields.length() == 0) {
      return Optional.empty();
    }
    StringBuilder line = new StringBuilder(measurement);
    tags.forEach((k, v) -> line.append(',').append(escape(k, ",= ")).append('=').append(escape(v, ",= ")));
    return Optional.of(line.append(' ').append(fields).append(' ').append(time).toString());
  }

  private static String field(Set<String> types, Object value) {
    if (value instanceof Boolean b) {
      return b.toString();
    }
    if (value instanceof String s) {
      if (s.indexOf('\n') >= 0) {
        return null;
      }
      return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
    Number n = (Number) value;
    boolean integral = n instanceof Integer || n instanceof Long || n instanceof BigInteger;
    if (types.contains("float") && (!integral || !(types.contains("integer") || types.contains("unsigned")))) {
      return BigDecimal.valueOf(n.doubleValue()).stripTrailingZeros().toPlainString();
    }
    if (types.contains("unsigned") && !types.contains("integer")) {
      return new BigInteger(n.toString()) + "u";
    }
    return new BigInteger(n.toString()) + "i";
  }

  /** Backslash-escapes the given characters. */
  static String escape(String s, String special) {
    StringBuilder sb = new StringBuilder(s.length() + 4);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (special.indexOf(c) >= 0) {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.toString();
  }
}
