package io.outflux.protocol;

import java.time.Instant;
import java.util.concurrent.TimeUnit;

/** Timestamp precision of line-protocol lines, as named in config and in InfluxDB's APIs. */
public enum Precision {
  NS("ns", "n", TimeUnit.NANOSECONDS),
  US("us", "u", TimeUnit.MICROSECONDS),
  MS("ms", "ms", TimeUnit.MILLISECONDS),
  S("s", "s", TimeUnit.SECONDS);

  private final String configName;
  private final String v1Param;
  private final TimeUnit unit;

  Precision(String configName, String v1Param, TimeUnit unit) {
    this.configName = configName;
    this.v1Param = v1Param;
    this.unit = unit;
  }

  /** The name used in outflux config and on the outflux wire. */
  public String configName() {
    return configName;
  }

  /** The value of InfluxDB 1.x's {@code precision} query parameter. */
  public String v1Param() {
    return v1Param;
  }

  /** The current time in this precision, for stamping lines that came without a timestamp. */
  public long now(Instant instant) {
    long nanos = instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    return unit.convert(nanos, TimeUnit.NANOSECONDS);
  }

  public static Precision fromWire(String value) {
    for (Precision p : values()) {
      if (p.configName.equals(value) || p.v1Param.equals(value)) {
        return p;
      }
    }
    throw new IllegalArgumentException("unknown precision \"" + value + "\"; use ns, us, ms or s");
  }
}
