package io.outflux.protocol;

import java.util.Optional;
import java.util.function.Function;

/**
 * Tells from an HTTP answer what kind of service gave it: a client pointed at the InfluxDB instead
 * of the outflux server gets InfluxDB's {@code 404 page not found}, which names neither; InfluxDB
 * marks every answer with {@code X-Influxdb-Version}, so the mistake can be named instead.
 */
public final class ServerIdentity {

  public static final String INFLUXDB_VERSION_HEADER = "X-Influxdb-Version";

  private ServerIdentity() {
  }

  /** The message for an answer that came from an InfluxDB; empty when it did not. */
  public static Optional<String> influxDb(Function<String, String> header) {
    String version = header.apply(INFLUXDB_VERSION_HEADER);
    if (version == null) {
      return Optional.empty();
    }
    return Optional.of("this address answers like an InfluxDB (" + version.trim() + "), not an outflux server: point "
        + "servers in the client config at the outflux server (default port 8070), not at InfluxDB");
  }
}
