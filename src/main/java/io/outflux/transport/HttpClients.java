package io.outflux.transport;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.WebClientOptions;

/**
 * The HTTP transport's two connection pools: the batches' and the health probes' own. With every
 * batch connection busy uploading over a slow link, a probe in the same pool would wait for one and
 * the server would look frozen.
 */
record HttpClients(HttpClient batches, HttpClient probes) {

  static HttpClients create(Vertx vertx, TransportConfig config) {
    HttpClient batches = vertx.createHttpClient(config.tls().apply(new WebClientOptions()
        .setKeepAlive(true)
        .setSendBufferSize(TransportVerticle.SEND_BUFFER)
        .setUserAgent("outflux-client")), new PoolOptions().setHttp1MaxSize(8));
    HttpClient probes = vertx.createHttpClient(config.tls().apply(new WebClientOptions()
        .setKeepAlive(true)
        .setUserAgent("outflux-client")), new PoolOptions().setHttp1MaxSize(2));
    return new HttpClients(batches, probes);
  }

  void close() {
    batches.close();
    probes.close();
  }
}
