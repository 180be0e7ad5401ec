package io.outflux.influxd;

/** InfluxDB 1.x database privileges for GRANT. */
public enum Privilege {
  READ,
  WRITE,
  ALL
}
