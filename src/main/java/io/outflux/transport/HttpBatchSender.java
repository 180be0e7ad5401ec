package io.outflux.transport;

import io.outflux.batch.Batch;
import io.outflux.metrics.BuildInfo;
import io.outflux.metrics.Human;
import io.outflux.protocol.BatchReply;
import io.outflux.protocol.ServerIdentity;
import io.outflux.protocol.WireProtocol;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sends one batch to one server over HTTP POST and classifies the answer. */
public final class HttpBatchSender implements BatchSender {

  private static final Logger log = LoggerFactory.getLogger(HttpBatchSender.class);

  private final WebClient client;
  private final String clientId;
  private final InfluxTarget target;
  private final Duration timeout;
  private final Vertx vertx;
  private final Compression compression;
  /** Servers that answered 415 to a zstd body (older than zstd): they get gzip from then on. */
  private final Set<URI> noZstd = ConcurrentHashMap.newKeySet();

  public HttpBatchSender(Vertx vertx, WebClient client, String clientId, InfluxTarget target, Duration timeout,
                         Compression compression) {
    this.vertx = vertx;
    this.client = client;
    this.clientId = clientId;
    this.target = target;
    this.timeout = timeout;
    this.compression = compression;
  }

  @Override
  public Future<SendResult> send(URI server, Batch batch) {
    Compression encoding = compression == Compression.ZSTD && noZstd.contains(server) ? Compression.GZIP : compression;
    return send(server, batch, encoding).compose(result -> {
      if (encoding == Compression.ZSTD && result instanceof SendResult.Refused r && r.status() == 415) {
        // a server older than zstd: the same batch again, in gzip, and gzip for this server from now on
        noZstd.add(server);
        log.info("server {} does not take zstd bodies (415): sending gzip to it", server);
        return send(server, batch, Compression.GZIP);
      }
      return Future.succeededFuture(result);
    });
  }

  /** The encoding this sender uses for a server now (zstd falls back to gzip after a 415). */
  Compression encodingFor(URI server) {
    return compression == Compression.ZSTD && noZstd.contains(server) ? Compression.GZIP : compression;
  }

  private Future<SendResult> send(URI server, Batch batch, Compression encoding) {
    String url = stripSlash(server.toString()) + WireProtocol.BATCHES_PATH;
    var request = client.postAbs(url)
        .addQueryParam(WireProtocol.PARAM_DB, target.database())
        .addQueryParam(WireProtocol.PARAM_PRECISION, target.precision().configName())
        .putHeader(HttpHeaders.AUTHORIZATION.toString(), target.credentials().authorizationHeader())
        .putHeader(HttpHeaders.CONTENT_TYPE.toString(), WireProtocol.CONTENT_TYPE_LINES)
        .putHeader(WireProtocol.HEADER_CLIENT_ID, clientId)
        .putHeader(WireProtocol.HEADER_SEQ, Long.toString(batch.seq()))
        .putHeader(WireProtocol.HEADER_CLIENT_VERSION, BuildInfo.version())
        .putHeader(WireProtocol.HEADER_BACKLOG_BYTES, Long.toString(batch.progress().backlogBytes()))
        .putHeader(WireProtocol.HEADER_BACKLOG_LINES, Long.toString(batch.progress().backlogLines()))
        .putHeader(WireProtocol.HEADER_LAG_SECONDS, String.format(java.util.Locale.ROOT, "%.3f", batch.progress().lagSeconds()))
        .timeout(timeout.toMillis());
    if (!target.retentionPolicy().isEmpty()) {
      request.addQueryParam(WireProtocol.PARAM_RP, target.retentionPolicy());
    }
    Future<Buffer> body = switch (encoding) {
      case NONE -> Future.succeededFuture(batch.payload());
      case GZIP -> Gzip.compress(vertx, batch.payload());
      case ZSTD -> Zstd.compress(vertx, batch.payload());
    };
    if (encoding != Compression.NONE) {
      request.putHeader(HttpHeaders.CONTENT_ENCODING.toString(), encoding.contentEncoding());
    }
    return body.compose(request::sendBuffer)
        .map(HttpBatchSender::classify)
        .otherwise(err -> new SendResult.Retryable("cannot reach " + server + ": "
            + TlsFailure.explain(server, err).orElseGet(() -> describe(err)), Optional.empty()));
  }

  /** The goodbye of a stopping client: an empty batch saying so (the server writes nothing for it). */
  public Future<Void> goodbye(URI server, io.outflux.batch.Progress progress) {
    return client.postAbs(stripSlash(server.toString()) + WireProtocol.BATCHES_PATH)
        .addQueryParam(WireProtocol.PARAM_DB, target.database())
        .putHeader(HttpHeaders.AUTHORIZATION.toString(), target.credentials().authorizationHeader())
        .putHeader(WireProtocol.HEADER_CLIENT_ID, clientId)
        .putHeader(WireProtocol.HEADER_CLIENT_VERSION, BuildInfo.version())
        .putHeader(WireProtocol.HEADER_CLIENT_STATE, WireProtocol.STATE_STOPPED)
        .putHeader(WireProtocol.HEADER_BACKLOG_BYTES, Long.toString(progress.backlogBytes()))
        .putHeader(WireProtocol.HEADER_BACKLOG_LINES, Long.toString(progress.backlogLines()))
        .putHeader(WireProtocol.HEADER_LAG_SECONDS, String.format(java.util.Locale.ROOT, "%.3f", progress.lagSeconds()))
        .timeout(GOODBYE_TIMEOUT_MS)
        .sendBuffer(Buffer.buffer())
        .mapEmpty();
  }

  /** A stopping client waits this long for the server to take its goodbye. */
  public static final long GOODBYE_TIMEOUT_MS = 2_000;

  static SendResult classify(HttpResponse<Buffer> response) {
    int status = response.statusCode();
    if (status == 200) {
      try {
        return new SendResult.Acked(BatchReply.fromJson(response.bodyAsJsonObject()));
      } catch (DecodeException | IllegalArgumentException | NullPointerException e) {
        return new SendResult.Retryable("server answered 200 with an unreadable body: " + e.getMessage(), Optional.empty());
      }
    }
    Optional<String> influxDb = ServerIdentity.influxDb(response::getHeader);
    return SendResult.ofStatus(status, influxDb.orElseGet(() -> errorText(response)), retryAfter(response));
  }

  private static String errorText(HttpResponse<Buffer> response) {
    Buffer body = response.body();
    if (body == null || body.length() == 0) {
      return response.statusMessage();
    }
    try {
      JsonObject json = body.toJsonObject();
      return Human.snippet(json.getString("error", body.toString()), 500);
    } catch (DecodeException | ClassCastException e) {
      return Human.snippet(body.toString());
    }
  }

  private static Optional<Duration> retryAfter(HttpResponse<Buffer> response) {
    String value = response.getHeader("Retry-After");
    if (value == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Duration.ofSeconds(Long.parseLong(value.trim())));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static String describe(Throwable err) {
    String msg = err.getMessage();
    return msg == null ? err.getClass().getSimpleName() : msg;
  }

  private static String stripSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }
}
