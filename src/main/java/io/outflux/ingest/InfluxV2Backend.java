package io.outflux.ingest;

import com.influxdb.client.FindOptions;
import com.influxdb.client.InfluxDBClient;
import com.influxdb.client.InfluxDBClientFactory;
import com.influxdb.client.InfluxDBClientOptions;
import com.influxdb.client.domain.WritePrecision;
import com.influxdb.exceptions.InfluxException;
import io.outflux.protocol.Credentials;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import okhttp3.OkHttpClient;

/**
 * InfluxDB 2.x / 3.x through influxdb-client-java ({@code POST /api/v2/write}), with the client's own
 * token, the bucket it names ({@code db}, or {@code db/rp} as InfluxDB's 1.x compatibility mapping
 * does) and the configured organisation. The library blocks, so every call runs on a worker pool of
 * {@code maxConcurrentWrites} threads and its result comes back on the caller's event loop.
 *
 * <p>One library client per token (it binds the token at creation), kept in a small LRU keyed by
 * a hash of the token, never the token itself.
 */
public final class InfluxV2Backend implements InfluxBackend {

  private static final int MAX_CLIENTS = 256;
  /** influxdb-client-java prefixes the server's message; 2.x prefixes a partial write's list. */
  private static final Pattern PREFIXES = Pattern.compile(
      "^(HTTP status code: \\d+; Message: )?(partial write error \\(\\d+ written\\):\\s*)?");

  private final InfluxBackendConfig config;
  private final WorkerExecutor workers;
  private final CoalescingWriteQueue writes;
  private final Map<String, InfluxDBClient> clients = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, InfluxDBClient> eldest) {
      if (size() > MAX_CLIENTS) {
        eldest.getValue().close();
        return true;
      }
      return false;
    }
  };

  public InfluxV2Backend(Vertx vertx, InfluxBackendConfig config) {
    this.config = config;
    this.workers = vertx.createSharedWorkerExecutor("outflux-influx-v2", config.maxConcurrentWrites() + 1,
        config.timeout().multipliedBy(2).toNanos(), TimeUnit.NANOSECONDS);
    this.writes = new CoalescingWriteQueue(config.maxConcurrentWrites(), config.coalesceUpTo(), this::blockingWrite);
  }

  /**
   * A writer: lists at most one bucket with the token: 401 for a token InfluxDB does not know; a
   * valid token passes even without read permission (an empty list or 403), since writing is what
   * it is for; whether it may write to the bucket InfluxDB says on the first write (a 403 there
   * closes what was admitted with it). An operator: the token must be allowed to list the
   * organisation's authorizations ({@code GET /api/v2/authorizations}), which InfluxDB 2.x grants
   * to operator and all-access tokens and refuses (403) to write tokens.
   */
  @Override
  public Future<AuthResult> authenticate(AuthRequest request) {
    if (!(request.credentials() instanceof Credentials.Token token)) {
      return Future.succeededFuture(new AuthResult.Rejected(401,
          "InfluxDB 2.x takes an API token: send \"Authorization: Token ...\" (influx.token of the client)"));
    }
    InfluxDBClient client = clientFor(token);
    boolean operator = request.role() == AuthRequest.Role.OPERATOR;
    return workers.<AuthResult>executeBlocking(() -> {
      try {
        if (operator) {
          client.getAuthorizationsApi().findAuthorizations();
        } else {
          client.getBucketsApi().findBuckets(limitOne());
        }
        return new AuthResult.Accepted();
      } catch (InfluxException e) {
        if (e.status() == 401) {
          return new AuthResult.Rejected(401, e.getMessage());
        }
        if (e.status() == 403) {
          return operator ? new AuthResult.Rejected(403, "the token may not list authorizations: not an operator token")
              : new AuthResult.Accepted();
        }
        return new AuthResult.Unavailable("InfluxDB answered " + e.status() + ": " + e.getMessage());
      } catch (RuntimeException e) {
        return new AuthResult.Unavailable("cannot reach InfluxDB at " + config.url() + ": " + e.getMessage());
      }
    }, false);
  }

  private static FindOptions limitOne() {
    FindOptions options = new FindOptions();
    options.setLimit(1);
    return options;
  }

  @Override
  public Future<WriteResult> write(WriteRequest request) {
    if (!(request.credentials() instanceof Credentials.Token)) {
      return Future.succeededFuture(new WriteResult.AuthFailed(401, "InfluxDB 2.x takes an API token"));
    }
    return writes.submit(request);
  }

  private Future<WriteResult> blockingWrite(WriteRequest request) {
    InfluxDBClient client = clientFor((Credentials.Token) request.credentials());
    String bucket = request.retentionPolicy().isEmpty()
        ? request.database() : request.database() + "/" + request.retentionPolicy();
    WritePrecision precision = WritePrecision.valueOf(request.precision().name());
    String body = request.lines().toString(StandardCharsets.UTF_8);
    return workers.executeBlocking(() -> {
      try {
        client.getWriteApiBlocking().writeRecord(bucket, config.org(), precision, body);
        return (WriteResult) new WriteResult.Written(request.lineCount(), java.util.List.of());
      } catch (InfluxException e) {
        return classify(e, request.lineCount());
      } catch (RuntimeException e) {
        return new WriteResult.Retryable("cannot write to InfluxDB at " + config.url() + ": " + e.getMessage(),
            V1ResponseClassifier.RETRY_AFTER);
      }
    }, false);
  }

  /** The same vocabulary as for 1.x: 2.x names unparsable lines the same way, after a prefix. */
  static WriteResult classify(InfluxException e, long lineCount) {
    int status = e.status();
    String message = PREFIXES.matcher(String.valueOf(e.getMessage())).replaceFirst("");
    if (status == 401 || status == 403) {
      return new WriteResult.AuthFailed(status, message);
    }
    if (status == 400) {
      return V1ResponseClassifier.rejects(message, lineCount);
    }
    if (status == 404 || status == 413 || status == 422) {
      return new WriteResult.Failed(status == 422 ? 400 : status, message);
    }
    Duration retryAfter = retryAfter(e).orElse(V1ResponseClassifier.RETRY_AFTER);
    if (status == 0) {
      return new WriteResult.Retryable("cannot reach InfluxDB: " + message, retryAfter);
    }
    return new WriteResult.Retryable("InfluxDB answered " + status + ": " + message, retryAfter);
  }

  private static Optional<Duration> retryAfter(InfluxException e) {
    try {
      String value = e.headers() == null ? null : e.headers().get("Retry-After");
      return value == null ? Optional.empty() : Optional.of(Duration.ofSeconds(Long.parseLong(value.trim())));
    } catch (NumberFormatException notSeconds) {
      return Optional.empty();
    }
  }

  private synchronized InfluxDBClient clientFor(Credentials.Token token) {
    return clients.computeIfAbsent(hash(token.token()), k -> InfluxDBClientFactory.create(InfluxDBClientOptions.builder()
        .url(config.url().toString())
        .authenticateToken(token.token().toCharArray())
        .org(config.org())
        .okHttpClient(new OkHttpClient.Builder()
            .connectTimeout(config.timeout())
            .readTimeout(config.timeout())
            .writeTimeout(config.timeout()))
        .build()));
  }

  private static String hash(String secret) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public synchronized Future<Void> close() {
    clients.values().forEach(InfluxDBClient::close);
    clients.clear();
    return workers.close();
  }
}
