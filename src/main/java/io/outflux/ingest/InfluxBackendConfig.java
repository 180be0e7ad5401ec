package io.outflux.ingest;

import io.outflux.config.ConfigReader;
import java.net.URI;
import java.time.Duration;

/**
 * The central InfluxDB the server writes to.
 *
 * @param url base address of InfluxDB's HTTP API, e.g. http://127.0.0.1:8086
 * @param timeout how long one write or credential check may take before it counts as retryable
 * @param maxConcurrentWrites writes in flight to InfluxDB at once (one InfluxDB request uses one core)
 * @param coalesceUpTo while writes wait for a free slot, waiting batches for the same credentials,
 *     database, retention policy and precision are merged into one write of up to this many bytes
 *     (0: never merge)
 * @param version 1 for InfluxDB 1.x (HTTP /write, Basic auth), 2 for InfluxDB 2.x/3.x (/api/v2/write
 *     through influxdb-client-java, Token auth)
 * @param org the InfluxDB 2.x organisation the buckets belong to (version 2 only; required there)
 */
public record InfluxBackendConfig(URI url, Duration timeout, int maxConcurrentWrites, long coalesceUpTo,
                                  int version, String org) {

  public static final String DEFAULT_URL = "http://127.0.0.1:8086";
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  public static final int DEFAULT_MAX_CONCURRENT_WRITES = 4;
  public static final long DEFAULT_COALESCE_UP_TO = 8L << 20;

  public static final int DEFAULT_VERSION = 1;

  public static InfluxBackendConfig from(ConfigReader r) {
    int version = r.integer("version", DEFAULT_VERSION, 1, 2);
    String org = r.string("org", "");
    if (version == 2 && org.isBlank()) {
      throw r.error("org", "is required with influx.version 2: the InfluxDB 2.x organisation of the buckets");
    }
    return new InfluxBackendConfig(r.httpUri("url", DEFAULT_URL),
        r.duration("timeout", DEFAULT_TIMEOUT, Duration.ofMillis(100), Duration.ofMinutes(30)),
        r.integer("maxConcurrentWrites", DEFAULT_MAX_CONCURRENT_WRITES, 1, 256),
        r.size("coalesceUpTo", DEFAULT_COALESCE_UP_TO, 0, BodySplitter.INFLUX_V1_MAX_BODY), version, org);
  }
}
