package io.outflux.transport;

import io.outflux.config.ConfigReader;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How the client reaches the outflux servers.
 *
 * @param servers base addresses of the outflux server nodes, tried in order, failing over on errors
 * @param requestTimeout how long one batch request may take before it counts as failed
 * @param retryInitialDelay the first retry waits up to this long (full jitter)
 * @param retryMaxDelay the cap of the exponential backoff
 * @param tls certificates for https:// server addresses
 */
public record TransportConfig(List<URI> servers, Duration requestTimeout, Duration retryInitialDelay,
                              Duration retryMaxDelay, ClientTls tls) {

  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(60);
  public static final Duration DEFAULT_RETRY_INITIAL_DELAY = Duration.ofMillis(500);
  public static final Duration DEFAULT_RETRY_MAX_DELAY = Duration.ofSeconds(30);

  /** Reads {@code servers} from the root and the rest from the {@code transport} section. */
  public static TransportConfig from(ConfigReader root, ConfigReader r) {
    List<String> raw = root.stringList("servers", List.of());
    if (raw.isEmpty()) {
      throw root.error("servers", "is required: a list of outflux server addresses such as [\"http://central:8070\"]");
    }
    List<URI> servers = new ArrayList<>();
    raw.forEach(s -> servers.add(root.parseHttpUri("servers", s)));
    Duration initial = r.duration("retryInitialDelay", DEFAULT_RETRY_INITIAL_DELAY, Duration.ofMillis(1), Duration.ofHours(1));
    Duration max = r.duration("retryMaxDelay", DEFAULT_RETRY_MAX_DELAY, Duration.ofMillis(1), Duration.ofHours(6));
    if (max.compareTo(initial) < 0) {
      throw r.error("retryMaxDelay", "must not be smaller than transport.retryInitialDelay");
    }
    return new TransportConfig(List.copyOf(servers),
        r.duration("requestTimeout", DEFAULT_REQUEST_TIMEOUT, Duration.ofMillis(100), Duration.ofHours(1)),
        initial, max, ClientTls.from(r.section("tls")));
  }
}
