package io.outflux.influxd;

/** Quoting for InfluxQL, so names and passwords with odd characters cannot break a statement. */
final class InfluxQl {

  private InfluxQl() {}

  /** Double-quoted identifier (database, user, measurement, field). */
  static String ident(String name) {
    return '"' + name.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  /** Single-quoted string literal (passwords). */
  static String string(String value) {
    return '\'' + value.replace("\\", "\\\\").replace("'", "\\'") + '\'';
  }
}
