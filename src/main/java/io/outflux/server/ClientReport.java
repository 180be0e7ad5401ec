package io.outflux.server;

import io.outflux.protocol.StreamProtocol;
import io.outflux.protocol.WireProtocol;
import io.vertx.core.json.JsonObject;
import io.vertx.core.MultiMap;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * What a client says about itself, shown in the fleet view: alongside a POSTed batch (optional
 * headers {@code Outflux-Backlog-Bytes}, {@code Outflux-Backlog-Lines}, {@code Outflux-Lag-Seconds})
 * or in a streaming client's report message ({@link StreamProtocol#report}). Unreadable or negative
 * values are ignored: they are informational and never refuse a batch nor close a stream.
 */
public record ClientReport(OptionalLong backlogBytes, OptionalLong backlogLines, OptionalDouble lagSeconds,
                           Optional<String> version, boolean stopped) {

  public static final ClientReport NONE = new ClientReport(OptionalLong.empty(), OptionalLong.empty(),
      OptionalDouble.empty());
  /** A version is shown as is: short and plain, or not at all. */
  private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.+_-]{0,31}");

  public ClientReport(OptionalLong backlogBytes, OptionalLong backlogLines, OptionalDouble lagSeconds) {
    this(backlogBytes, backlogLines, lagSeconds, Optional.empty(), false);
  }

  public static ClientReport fromHeaders(MultiMap headers) {
    return new ClientReport(nonNegativeLong(headers.get(WireProtocol.HEADER_BACKLOG_BYTES)),
        nonNegativeLong(headers.get(WireProtocol.HEADER_BACKLOG_LINES)),
        nonNegativeDouble(headers.get(WireProtocol.HEADER_LAG_SECONDS)),
        version(headers.get(WireProtocol.HEADER_CLIENT_VERSION)),
        WireProtocol.STATE_STOPPED.equals(headers.get(WireProtocol.HEADER_CLIENT_STATE)));
  }

  static Optional<String> version(String raw) {
    return raw != null && VERSION.matcher(raw.trim()).matches() ? Optional.of(raw.trim()) : Optional.empty();
  }

  /** Reads a {@code {"type":"report",...}} message (the type is not checked here). */
  public static ClientReport fromStreamReport(JsonObject report) {
    return new ClientReport(nonNegativeLong(text(report, StreamProtocol.REPORT_BACKLOG_BYTES)),
        nonNegativeLong(text(report, StreamProtocol.REPORT_BACKLOG_LINES)),
        nonNegativeDouble(text(report, StreamProtocol.REPORT_LAG_SECONDS)),
        version(text(report, StreamProtocol.REPORT_VERSION)),
        WireProtocol.STATE_STOPPED.equals(text(report, StreamProtocol.REPORT_STATE)));
  }

  /** A JSON number or string as text, so both readers share one validation. */
  private static String text(JsonObject json, String key) {
    Object v = json.getValue(key);
    return v instanceof Number || v instanceof String ? v.toString() : null;
  }

  static OptionalLong nonNegativeLong(String value) {
    try {
      long v = value == null ? -1 : Long.parseLong(value.trim());
      return v >= 0 ? OptionalLong.of(v) : OptionalLong.empty();
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  static OptionalDouble nonNegativeDouble(String value) {
    try {
      double v = value == null ? -1 : Double.parseDouble(value.trim());
      return v >= 0 && Double.isFinite(v) ? OptionalDouble.of(v) : OptionalDouble.empty();
    } catch (NumberFormatException e) {
      return OptionalDouble.empty();
    }
  }
}
