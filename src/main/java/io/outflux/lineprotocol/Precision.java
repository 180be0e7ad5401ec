package io.outflux.lineprotocol;

/**
 * Timestamp precision of a write. It only matters to validity at the edges: a timestamp is valid
 * when it fits int64 <em>after</em> scaling to nanoseconds, as the reference decoder checks.
 */
public enum Precision {
  NANOSECONDS(1L, "ns"),
  MICROSECONDS(1_000L, "us"),
  MILLISECONDS(1_000_000L, "ms"),
  SECONDS(1_000_000_000L, "s");

  private final long nanos;
  private final String influxName;

  Precision(long nanos, String influxName) {
    this.nanos = nanos;
    this.influxName = influxName;
  }

  /** Nanoseconds per unit. */
  public long nanos() {
    return nanos;
  }

  /** The value of InfluxDB's {@code precision} write parameter. */
  public String influxName() {
    return influxName;
  }

  /** Whether {@code value} units can be expressed in int64 nanoseconds. */
  public boolean fitsInNanos(long value) {
    return nanos == 1 || (value <= Long.MAX_VALUE / nanos && value >= Long.MIN_VALUE / nanos);
  }
}
