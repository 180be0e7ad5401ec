package io.outflux.server;

import io.outflux.config.ConfigReader;
import java.time.Duration;

/**
 * How the server checks credentials and slows down password guessing ({@code auth.*} of the server
 * config; docs/configuration.md and docs/security.md say what each limit trades).
 *
 * @param cacheTtl how long a check that InfluxDB passed is remembered (by salted hash); a write that
 *     InfluxDB refuses with 401/403 forgets it at once
 * @param maxFailures refused checks from one address group within {@code failureWindow} (checks in
 *     flight count as refused until answered); beyond it the group gets 429
 * @param failureWindow the sliding window of every failure limit
 * @param maxFailuresPerUser refused checks for one user name within the window, from any address
 * @param maxFailuresTotal refused checks on this node within the window, from anyone
 * @param maxChecksPerAddress credential checks of one address group in flight at once
 * @param maxChecks credential checks in flight at once on this node
 * @param maxTracked address groups (and user names) remembered; the least recently used is dropped
 * @param ipv4PrefixLength leading bits of an IPv4 address that make its group (32: each address)
 * @param ipv6PrefixLength leading bits of an IPv6 address that make its group (64: a subnet)
 * @param protectMetrics {@code /metrics} also requires an InfluxDB admin (off: open for Prometheus)
 */
public record AuthConfig(Duration cacheTtl, int maxFailures, Duration failureWindow, int maxFailuresPerUser,
                         int maxFailuresTotal, int maxChecksPerAddress, int maxChecks, int maxTracked,
                         int ipv4PrefixLength, int ipv6PrefixLength, boolean protectMetrics) {

  public static final Duration DEFAULT_CACHE_TTL = Duration.ofSeconds(60);
  public static final int DEFAULT_MAX_FAILURES = 10;
  public static final Duration DEFAULT_FAILURE_WINDOW = Duration.ofMinutes(1);
  public static final int DEFAULT_MAX_FAILURES_PER_USER = 30;
  public static final int DEFAULT_MAX_FAILURES_TOTAL = 300;
  public static final int DEFAULT_MAX_CHECKS_PER_ADDRESS = 4;
  public static final int DEFAULT_MAX_CHECKS = 32;
  public static final int DEFAULT_MAX_TRACKED = 10_000;
  public static final int DEFAULT_IPV4_PREFIX_LENGTH = 32;
  public static final int DEFAULT_IPV6_PREFIX_LENGTH = 64;
  /** A credential InfluxDB accepted within this long is exempt from the per-user and total failure limits. */
  public static final Duration KNOWN_GOOD_TTL = Duration.ofHours(24);

  public static AuthConfig defaults() {
    return new AuthConfig(DEFAULT_CACHE_TTL, DEFAULT_MAX_FAILURES, DEFAULT_FAILURE_WINDOW,
        DEFAULT_MAX_FAILURES_PER_USER, DEFAULT_MAX_FAILURES_TOTAL, DEFAULT_MAX_CHECKS_PER_ADDRESS, DEFAULT_MAX_CHECKS,
        DEFAULT_MAX_TRACKED, DEFAULT_IPV4_PREFIX_LENGTH, DEFAULT_IPV6_PREFIX_LENGTH, false);
  }

  public static AuthConfig from(ConfigReader r) {
    int maxTracked = r.integer("maxTracked", DEFAULT_MAX_TRACKED, 100, 10_000_000);
    int maxFailuresTotal = r.integer("maxFailuresTotal", DEFAULT_MAX_FAILURES_TOTAL, 1, 10_000_000);
    if (maxFailuresTotal > maxTracked) {
      // otherwise failures from fresh addresses could push a throttled address out of the table
      throw r.error("maxFailuresTotal", maxFailuresTotal + " is larger than auth.maxTracked (" + maxTracked
          + "): a flood from many addresses could then make the server forget a throttled one");
    }
    return new AuthConfig(
        r.duration("cacheTtl", DEFAULT_CACHE_TTL, Duration.ZERO, Duration.ofHours(24)),
        r.integer("maxFailures", DEFAULT_MAX_FAILURES, 1, 1_000_000),
        r.duration("failureWindow", DEFAULT_FAILURE_WINDOW, Duration.ofSeconds(1), Duration.ofHours(24)),
        r.integer("maxFailuresPerUser", DEFAULT_MAX_FAILURES_PER_USER, 1, 1_000_000),
        maxFailuresTotal,
        r.integer("maxChecksPerAddress", DEFAULT_MAX_CHECKS_PER_ADDRESS, 1, 10_000),
        r.integer("maxChecks", DEFAULT_MAX_CHECKS, 1, 100_000),
        maxTracked,
        r.integer("ipv4PrefixLength", DEFAULT_IPV4_PREFIX_LENGTH, 8, 32),
        r.integer("ipv6PrefixLength", DEFAULT_IPV6_PREFIX_LENGTH, 16, 128),
        r.bool("protectMetrics", false));
  }
}
