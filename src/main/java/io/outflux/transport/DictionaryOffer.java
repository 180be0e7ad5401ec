package io.outflux.transport;

import io.outflux.metrics.BuildInfo;
import io.outflux.protocol.DictionaryProtocol;
import io.outflux.protocol.WireProtocol;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.time.Duration;

/** {@code PUT /api/v1/dictionaries/<id>} ({@link DictionaryProtocol}), for the HTTP and the stream sender alike. */
final class DictionaryOffer {

  private DictionaryOffer() {
  }

  /** The status of the server's answer; a failed future when there was none. */
  static Future<Integer> put(WebClient client, URI server, InfluxTarget target, String clientId,
                             ZstdDictionary dictionary, Duration timeout) {
    String base = server.toString().endsWith("/") ? server.toString().substring(0, server.toString().length() - 1)
        : server.toString();
    HttpRequest<Buffer> put = client.putAbs(base + DictionaryProtocol.PATH + "/" + dictionary.id())
        .addQueryParam(WireProtocol.PARAM_DB, target.database())
        .putHeader(HttpHeaders.AUTHORIZATION.toString(), target.credentials().authorizationHeader())
        .putHeader(HttpHeaders.CONTENT_TYPE.toString(), "application/octet-stream")
        .putHeader(WireProtocol.HEADER_CLIENT_ID, clientId)
        .putHeader(WireProtocol.HEADER_CLIENT_VERSION, BuildInfo.version())
        .timeout(timeout.toMillis());
    if (!target.retentionPolicy().isEmpty()) {
      put.addQueryParam(WireProtocol.PARAM_RP, target.retentionPolicy());
    }
    return put.sendBuffer(Buffer.buffer(dictionary.bytes())).map(HttpResponse::statusCode);
  }
}
