package io.outflux.lineprotocol;

import java.time.Instant;

/**
 * Timestamp precision of line-protocol lines, as named in outflux config, on the outflux wire and in
 * InfluxDB's APIs. For validity it only matters at the edges: a timestamp is valid when it fits int64
 * <em>after</em> scaling to nanoseconds, as the reference decoder checks.
 */
public enum Precision {
  NS(1L, "ns", "n"),
  US(1_000L, "us", "u"),
  MS(1_000_000L, "ms", "ms"),
  S(1_000_000_000L, "s", "s");

  private final long nanos;
  private final String configName;
  private final String v1Param;

  Precision(long nanos, String configName, String v1Param) {
    this.nanos = nanos;
    this.configName = configName;
    this.v1Param = v1Param;
  }

  /** Nanoseconds per unit. */
  public long nanos() {
    return nanos;
  }

  /** The name used in outflux config, on the outflux wire and in InfluxDB 2.x's API. */
  public String configName() {
    return configName;
  }

  /** The value of InfluxDB 1.x's {@code precision} write parameter. */
  public String v1Param() {
    return v1Param;
  }

  /** Whether {@code value} units can be expressed in int64 nanoseconds. */
  public boolean fitsInNanos(long value) {
    return nanos == 1 || (value <= Long.MAX_VALUE / nanos && value >= Long.MIN_VALUE / nanos);
  }

  /** The given instant in this precision, for stamping lines that came without a timestamp. */
  public long of(Instant instant) {
    return instant.getEpochSecond() * (1_000_000_000L / nanos) + instant.getNano() / nanos;
  }

  /** Parses the wire/config name ("ns", "us", "ms", "s"; InfluxDB 1.x's "n" and "u" too). */
  public static Precision fromWire(String value) {
    for (Precision p : values()) {
      if (p.configName.equals(value) || p.v1Param.equals(value)) {
        return p;
      }
    }
    throw new IllegalArgumentException("unknown precision \"" + value + "\"; use ns, us, ms or s");
  }
}
