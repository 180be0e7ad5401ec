package io.outflux.transport;

import io.outflux.config.ConfigReader;
import io.outflux.meter.LinkConfig;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How the client reaches the outflux servers.
 *
 * @param servers base addresses of the outflux server nodes, tried in order, failing over on errors
 * @param requestTimeout how long one batch request (or a batch's ack on the WebSocket) may take
 *     before it counts as failed
 * @param retryInitialDelay the first retry waits up to this long (full jitter)
 * @param retryMaxDelay the cap of the exponential backoff
 * @param gzip compress batch payloads on the wire (HTTP and WebSocket): true unless
 *     {@code compression} is none (a stream whose server does not agree to zstd uses gzip)
 * @param pingInterval the streaming WebSocket sends a ping this often; a link silent for three
 *     intervals is closed and reopened
 * @param authRetryInterval after InfluxDB refused the credentials (401/403) sending stops; it is
 *     tried again this rarely, in case the operator fixed the user on the central side
 * @param failbackAfter after failing over to a later server in the list, go back to the first one
 *     after this long
 * @param tls certificates for https:// server addresses
 * @param link limits of a metered link (the root section {@code link}): rate, windows, daily quota
 * @param stallTimeout liveness: an exchange with a server in which nothing moved for this long (no
 *     upload progress, no byte of the answer and no answer to a health check; streaming: no ack,
 *     pong or message while batches wait) is given up, and the batch goes to the next server
 * @param compression the encoding of HTTP batch bodies ({@code transport.compression}: none, gzip,
 *     zstd; {@code transport.gzip: true} is gzip)
 * @param dictionarySize with zstd: the size of the dictionary trained on the site's own lines and
 *     negotiated with the servers ({@code transport.dictionarySize}; 0: plain zstd); docs/metered-links.md
 */
public record TransportConfig(List<URI> servers, Duration requestTimeout, Duration retryInitialDelay,
                              Duration retryMaxDelay, ClientTls tls, boolean gzip, Duration pingInterval,
                              Duration authRetryInterval, Duration failbackAfter, LinkConfig link,
                              Duration stallTimeout, Compression compression, int dictionarySize) {

  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(60);
  public static final Duration DEFAULT_RETRY_INITIAL_DELAY = Duration.ofMillis(500);
  public static final Duration DEFAULT_RETRY_MAX_DELAY = Duration.ofSeconds(30);
  public static final boolean DEFAULT_GZIP = false;
  public static final Compression DEFAULT_COMPRESSION = Compression.NONE;
  public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(20);
  public static final Duration DEFAULT_AUTH_RETRY_INTERVAL = Duration.ofMinutes(5);
  public static final Duration DEFAULT_FAILBACK_AFTER = Duration.ofMinutes(5);
  public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(4);
  /**
   * Measured by bench/metered-bytes.sh (docs/metered-links.md): 16 KiB compresses these lines as well
   * as 32 and 64 KiB (47.8 bytes/line in 10-line batches against 48.5 and 49.2) at a quarter of the
   * server's memory per site.
   */
  public static final int DEFAULT_DICTIONARY_SIZE = 16 * 1024;
  public static final int MIN_DICTIONARY_SIZE = 4 * 1024;

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
    boolean gzipKey = r.bool("gzip", DEFAULT_GZIP);
    Compression compression = r.enumValue("compression", Compression.class,
        gzipKey ? Compression.GZIP : DEFAULT_COMPRESSION);
    if (gzipKey && compression == Compression.NONE) {
      throw r.error("gzip", "true contradicts transport.compression \"none\" (set only transport.compression)");
    }
    return new TransportConfig(List.copyOf(servers),
        r.duration("requestTimeout", DEFAULT_REQUEST_TIMEOUT, Duration.ofMillis(100), Duration.ofHours(1)),
        initial, max, ClientTls.from(r.section("tls")),
        compression != Compression.NONE,
        r.duration("pingInterval", DEFAULT_PING_INTERVAL, Duration.ofMillis(100), Duration.ofHours(1)),
        r.duration("authRetryInterval", DEFAULT_AUTH_RETRY_INTERVAL, Duration.ofMillis(100), Duration.ofDays(1)),
        r.duration("failbackAfter", DEFAULT_FAILBACK_AFTER, Duration.ofMillis(100), Duration.ofDays(1)),
        LinkConfig.from(root.section("link")),
        r.duration("stallTimeout", DEFAULT_STALL_TIMEOUT, Duration.ofMillis(100), Duration.ofHours(1)), compression,
        dictionarySize(r));
  }

  private static int dictionarySize(ConfigReader r) {
    long size = r.size("dictionarySize", DEFAULT_DICTIONARY_SIZE, 0, io.outflux.protocol.DictionaryProtocol.MAX_SIZE);
    if (size != 0 && size < MIN_DICTIONARY_SIZE) {
      throw r.error("dictionarySize", "must be 0 (plain zstd) or at least 4KiB");
    }
    return (int) size;
  }
}
