package io.outflux.transport;

import io.outflux.protocol.StreamProtocol;
import io.outflux.protocol.WireProtocol;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * The stream's upgrade request ({@code GET /api/v1/stream}: what a batch POST carries, and the stream
 * version asked), what the server's 101 agreed to, and what a failed upgrade means for the batch.
 * Pure.
 */
final class StreamUpgrade {

  private StreamUpgrade() {
  }

  static WebSocketConnectOptions options(URI server, String clientId, InfluxTarget target, Duration connectTimeout) {
    return options(server, clientId, target, connectTimeout, false);
  }

  /** @param zstd ask for zstd payloads (servers before them do not answer it: gzip then) */
  static WebSocketConnectOptions options(URI server, String clientId, InfluxTarget target, Duration connectTimeout,
                                         boolean zstd) {
    WebSocketConnectOptions options = plain(server, clientId, target, connectTimeout);
    io.outflux.protocol.StreamEncoding.ask(zstd).ifPresent(e -> options.addHeader(StreamProtocol.HEADER_STREAM_ENCODING, e));
    return options;
  }

  private static WebSocketConnectOptions plain(URI server, String clientId, InfluxTarget target,
                                               Duration connectTimeout) {
    StringBuilder uri = new StringBuilder(StreamProtocol.STREAM_PATH)
        .append('?').append(WireProtocol.PARAM_DB).append('=').append(enc(target.database()))
        .append('&').append(WireProtocol.PARAM_PRECISION).append('=').append(target.precision().configName());
    if (!target.retentionPolicy().isEmpty()) {
      uri.append('&').append(WireProtocol.PARAM_RP).append('=').append(enc(target.retentionPolicy()));
    }
    boolean tls = "https".equals(server.getScheme());
    int port = server.getPort() > 0 ? server.getPort() : tls ? 443 : 80;
    return new WebSocketConnectOptions()
        .setHost(server.getHost())
        .setPort(port)
        .setSsl(tls)
        .setURI(uri.toString())
        .setConnectTimeout(connectTimeout.toMillis())
        .addHeader(HttpHeaders.AUTHORIZATION.toString(), target.credentials().authorizationHeader())
        .addHeader(WireProtocol.HEADER_CLIENT_ID, clientId)
        // servers before stream version 2 ignore it and do not answer it
        .addHeader(StreamProtocol.HEADER_STREAM_VERSION, Integer.toString(StreamProtocol.VERSION_SPAN));
  }

  /** Did the server's 101 agree to stream version 2, so that batch messages may carry their span? */
  static boolean speaksSpans(WebSocket ws) {
    return ws.headers() != null && StreamProtocol.speaksSpans(ws.headers().get(StreamProtocol.HEADER_STREAM_VERSION));
  }

  /** A refused upgrade is answered like the POST it stands for; anything else is retried. */
  static SendResult failure(URI server, Throwable err) {
    if (err instanceof UpgradeRejectedException rejected) {
      String body = rejected.getBody() == null ? "" : rejected.getBody().toString();
      String reason = body;
      try {
        reason = new JsonObject(body).getString("error", body);
      } catch (DecodeException notJson) {
        // keep the raw text
      }
      Optional<Duration> after = HttpBatchSender.retryAfter(
          rejected.getHeaders() == null ? null : rejected.getHeaders().get("Retry-After"));
      Optional<String> influxDb = rejected.getHeaders() == null ? Optional.empty()
          : io.outflux.protocol.ServerIdentity.influxDb(rejected.getHeaders()::get);
      String shown = influxDb.orElse(reason.isEmpty() ? "upgrade refused" : io.outflux.metrics.Human.snippet(reason, 500));
      return SendResult.ofStatus(rejected.getStatus(), shown, after);
    }
    String msg = TlsFailure.explain(server, err)
        .orElseGet(() -> err.getMessage() == null ? err.getClass().getSimpleName() : err.getMessage());
    return new SendResult.Retryable("cannot stream to " + server + ": " + msg, Optional.empty());
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
