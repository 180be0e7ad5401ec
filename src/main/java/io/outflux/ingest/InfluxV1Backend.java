package io.outflux.ingest;

import io.micrometer.core.instrument.Timer;
import io.outflux.metrics.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * InfluxDB 1.x over its HTTP API with Vert.x's non-blocking WebClient: {@code POST /write} with
 * the client's own credentials, and a credential check that asks InfluxDB a harmless question.
 */
public final class InfluxV1Backend implements InfluxBackend {

  /** Time of one InfluxDB write request, whatever its answer. */
  private static final Timer WRITE_LATENCY = Timer.builder("outflux_server_influxdb_write_seconds")
      .description("duration of write requests to InfluxDB")
      .publishPercentileHistogram()
      .register(Metrics.registry());

  private final WebClient client;
  private final InfluxBackendConfig config;
  private final String base;
  private final CoalescingWriteQueue writes;

  public InfluxV1Backend(Vertx vertx, InfluxBackendConfig config) {
    this.config = config;
    String url = config.url().toString();
    this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    this.client = WebClient.create(vertx, new WebClientOptions()
        .setKeepAlive(true)
        .setUserAgent("outflux-server"), new PoolOptions().setHttp1MaxSize(config.maxConcurrentWrites() + 2));
    this.writes = new CoalescingWriteQueue(config.maxConcurrentWrites(), config.coalesceUpTo(), this::writeSplit);
  }

  /**
   * A writer is checked by what it will do: an empty write to its database and retention policy.
   * InfluxDB 1.6 authenticates and authorises it like any write (204 may write, 401 wrong password,
   * 403 no WRITE on that database, 404 / 500 "retention policy not found" no such target) and stores
   * nothing. An operator must be an InfluxDB admin: {@code SHOW USERS} answers 200 only to admins
   * (403 to other users). With auth off in InfluxDB every credential passes, as InfluxDB itself would.
   */
  @Override
  public Future<AuthResult> authenticate(AuthRequest request) {
    var http = request.role() == AuthRequest.Role.OPERATOR
        ? client.getAbs(base + "/query").addQueryParam("q", "SHOW USERS")
        : client.postAbs(base + "/write").addQueryParam("db", request.database());
    if (request.role() == AuthRequest.Role.WRITER && !request.retentionPolicy().isEmpty()) {
      http.addQueryParam("rp", request.retentionPolicy());
    }
    return http.putHeader(HttpHeaders.AUTHORIZATION.toString(), request.credentials().authorizationHeader())
        .timeout(config.timeout().toMillis())
        .send()
        .map(response -> classifyCheck(response.statusCode(), errorText(response)))
        .otherwise(err -> new AuthResult.Unavailable("cannot reach InfluxDB at " + base + ": " + err.getMessage()));
  }

  static AuthResult classifyCheck(int status, String error) {
    if (status / 100 == 2) {
      return new AuthResult.Accepted();
    }
    if (status == 401 || status == 403 || status == 404) {
      return new AuthResult.Rejected(status, error);
    }
    if (status == 500 && error.contains("retention policy not found")) {
      return new AuthResult.Rejected(404, error);
    }
    return new AuthResult.Unavailable("InfluxDB answered " + status + ": " + error);
  }

  @Override
  public Future<WriteResult> write(WriteRequest request) {
    return writes.submit(request);
  }

  /** InfluxDB 1.x refuses bodies over 25,000,000 bytes: larger ones go as several writes, in order. */
  private Future<WriteResult> writeSplit(WriteRequest request) {
    List<Buffer> parts = BodySplitter.split(request.lines(), BodySplitter.INFLUX_V1_MAX_BODY);
    if (parts.size() <= 1) {
      // an empty body (outflux check's probe) is posted too: InfluxDB authorises it like a real write
      return post(request);
    }
    List<WriteResult> results = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (Buffer part : parts) {
      WriteRequest partRequest = new WriteRequest(request.credentials(), request.database(),
          request.retentionPolicy(), request.precision(), part, BodySplitter.countLines(part));
      chain = chain.compose(v -> post(partRequest).map(r -> {
        results.add(r);
        return null;
      }));
    }
    return chain.map(v -> CoalescingWriteQueue.combine(results));
  }

  private Future<WriteResult> post(WriteRequest request) {
    var http = client.postAbs(base + "/write")
        .addQueryParam("db", request.database())
        .addQueryParam("precision", request.precision().v1Param())
        .putHeader(HttpHeaders.AUTHORIZATION.toString(), request.credentials().authorizationHeader())
        .timeout(config.timeout().toMillis());
    if (!request.retentionPolicy().isEmpty()) {
      http.addQueryParam("rp", request.retentionPolicy());
    }
    Timer.Sample sample = Timer.start(Metrics.registry());
    return http.sendBuffer(request.lines())
        .onComplete(ar -> sample.stop(WRITE_LATENCY))
        .map(response -> V1ResponseClassifier.classify(response.statusCode(), errorText(response), request.lineCount()))
        .otherwise(err -> new WriteResult.Retryable("cannot reach InfluxDB at " + base + ": " + err.getMessage(),
            V1ResponseClassifier.RETRY_AFTER));
  }

  @Override
  public Future<Void> close() {
    client.close();
    return Future.succeededFuture();
  }

  /** InfluxDB puts the error in a JSON body and in the X-Influxdb-Error header. */
  private static String errorText(HttpResponse<Buffer> response) {
    String header = response.getHeader("X-Influxdb-Error");
    Buffer body = response.body();
    if (body != null && body.length() > 0) {
      try {
        String error = body.toJsonObject().getString("error");
        if (error != null) {
          return error;
        }
      } catch (DecodeException | ClassCastException ignored) {
        // not JSON: fall through to the header or the raw text
      }
    }
    if (header != null) {
      return header;
    }
    return body == null ? response.statusMessage() : body.toString();
  }
}
