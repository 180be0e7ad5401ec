package io.outflux.server;

import io.outflux.protocol.WireProtocol;
import io.vertx.core.MultiMap;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * What a client says about itself alongside a batch (optional headers {@code Outflux-Backlog-Bytes},
 * {@code Outflux-Backlog-Lines}, {@code Outflux-Lag-Seconds}), shown in the fleet view. Unreadable
 * or negative values are ignored: they are informational and never refuse a batch.
 */
public record ClientReport(OptionalLong backlogBytes, OptionalLong backlogLines, OptionalDouble lagSeconds) {

  public static final ClientReport NONE = new ClientReport(OptionalLong.empty(), OptionalLong.empty(),
      OptionalDouble.empty());

  public static ClientReport fromHeaders(MultiMap headers) {
    return new ClientReport(nonNegativeLong(headers.get(WireProtocol.HEADER_BACKLOG_BYTES)),
        nonNegativeLong(headers.get(WireProtocol.HEADER_BACKLOG_LINES)),
        nonNegativeDouble(headers.get(WireProtocol.HEADER_LAG_SECONDS)));
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
