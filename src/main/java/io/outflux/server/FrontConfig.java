package io.outflux.server;

import io.outflux.config.ConfigReader;
import java.time.Duration;
import java.util.Optional;

/**
 * The server's HTTP front: where it listens, TLS, and the limits that keep a hostile or broken
 * client from hurting the node. Every limit is answered with a clear 4xx, never a crash.
 *
 * @param host address to listen on
 * @param port port to listen on
 * @param tls certificates; empty for plain HTTP
 * @param maxBodySize largest accepted batch body in bytes (after gzip decoding); larger is a 413
 * @param maxLineSize longest line accepted; a longer one is refused alone, as a per-line reject
 * @param maxConnections open HTTP connections per front (streams included); more are closed at once
 * @param maxInFlightPerClient batches of one client id being written at once; more get 429
 * @param maxStreams open streaming (WebSocket) connections per node; more get 503 with Retry-After
 * @param maxStreamsPerClient open streams of one client id; more get 429 (2 lets a reconnect in
 *     while the server has not yet noticed that the old connection is dead)
 * @param idleTimeout a connection silent this long is closed
 * @param bodyTimeout the window of the body rate: a request whose body moved less than
 *     {@code minBodyRate} on average over a whole window gets 408 and is closed (slow-loris clients;
 *     a large body over a slow link is not cut off by its total time)
 * @param minBodyRate bytes per second a request body must at least move, averaged over {@code bodyTimeout}
 * @param auth credential checks and the password throttle ({@code auth.*})
 * @param drainTimeout on a stop (SIGTERM), how long the node waits for batches it already received
 *     to be written and answered before it closes what is left and leaves the cluster
 * @param instances front instances (event loops) serving the port; node-wide limits and counters
 *     hold across them; {@code 0} in the config is one per core
 * @param sites the site tag and routing per client ({@code sites.*})
 */
public record FrontConfig(String host, int port, Optional<ServerTls> tls, long maxBodySize, long maxLineSize,
                          int maxConnections, int maxInFlightPerClient, int maxStreams, int maxStreamsPerClient, Duration idleTimeout, Duration bodyTimeout,
                          long minBodyRate, AuthConfig auth, Duration drainTimeout, int instances, SiteConfig sites) {

  public static final String DEFAULT_HOST = "0.0.0.0";
  public static final int DEFAULT_PORT = 8070;
  public static final long DEFAULT_MAX_BODY_SIZE = 24L << 20;
  public static final long DEFAULT_MAX_LINE_SIZE = 1L << 20;
  public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
  public static final int DEFAULT_MAX_IN_FLIGHT_PER_CLIENT = 16;
  public static final int DEFAULT_MAX_STREAMS = 5_000;
  public static final int DEFAULT_MAX_STREAMS_PER_CLIENT = 2;
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
  public static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofSeconds(60);
  /** 512 B/s: a trickling attacker is cut off; 8 uploads sharing a 32 kbit/s link are not. */
  public static final long DEFAULT_MIN_BODY_RATE = 512;
  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(20);
  /** One front instance: two did not raise the throughput of bench/e2e-sync.sh on 2 cores (docs/performance.md). */
  public static final int DEFAULT_INSTANCES = 1;

  public static FrontConfig from(ConfigReader http, ConfigReader auth) {
    return from(http, auth, SiteConfig.OFF);
  }

  public static FrontConfig from(ConfigReader http, ConfigReader auth, SiteConfig sites) {
    return new FrontConfig(http.string("host", DEFAULT_HOST),
        http.integer("port", DEFAULT_PORT, 0, 65535),
        ServerTls.from(http.section("tls")),
        http.size("maxBodySize", DEFAULT_MAX_BODY_SIZE, 1024, 1L << 30),
        http.size("maxLineSize", DEFAULT_MAX_LINE_SIZE, 256, 64L << 20),
        http.integer("maxConnections", DEFAULT_MAX_CONNECTIONS, 1, 1_000_000),
        http.integer("maxInFlightPerClient", DEFAULT_MAX_IN_FLIGHT_PER_CLIENT, 1, 10_000),
        http.integer("maxStreams", DEFAULT_MAX_STREAMS, 1, 1_000_000),
        http.integer("maxStreamsPerClient", DEFAULT_MAX_STREAMS_PER_CLIENT, 1, 1_000),
        http.duration("idleTimeout", DEFAULT_IDLE_TIMEOUT, Duration.ofSeconds(1), Duration.ofHours(24)),
        http.duration("bodyTimeout", DEFAULT_BODY_TIMEOUT, Duration.ofMillis(100), Duration.ofHours(1)),
        http.size("minBodyRate", DEFAULT_MIN_BODY_RATE, 1, 1L << 30),
        AuthConfig.from(auth),
        http.duration("drainTimeout", DEFAULT_DRAIN_TIMEOUT, Duration.ZERO, Duration.ofMinutes(10)),
        instances(http.integer("instances", DEFAULT_INSTANCES, 0, 256)),
        sites);
  }

  private static int instances(int configured) {
    return configured == 0 ? Runtime.getRuntime().availableProcessors() : configured;
  }
}
