package io.outflux.testing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP reverse proxy on loopback in front of one outflux server that records each batch POST
 * (lines, bytes, the server's status), so a test can assert the sizes of the batches a client sent.
 * Bodies are gunzip-free: use it with {@code transport.gzip} off.
 */
public final class RecordingProxy implements AutoCloseable {

  /** One request as the server saw it. */
  public record Request(String path, long seq, int lines, int bytes, int status) {
  }

  private final HttpServer server;
  private final HttpClient client;
  private final List<Request> requests = new CopyOnWriteArrayList<>();

  private RecordingProxy(HttpServer server, HttpClient client) {
    this.server = server;
    this.client = client;
  }

  public static RecordingProxy start(Vertx vertx, int targetPort) throws Exception {
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(targetPort));
    RecordingProxy[] self = new RecordingProxy[1];
    HttpServer server = vertx.createHttpServer().requestHandler(req -> self[0].forward(req));
    self[0] = new RecordingProxy(server, client);
    server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return self[0];
  }

  public int port() {
    return server.actualPort();
  }

  public List<Request> requests() {
    return List.copyOf(requests);
  }

  private void forward(HttpServerRequest req) {
    req.body().compose(body -> {
      RequestOptions options = new RequestOptions().setMethod(req.method()).setURI(req.uri());
      req.headers().forEach(h -> {
        if (!h.getKey().equalsIgnoreCase("host")) {
          options.addHeader(h.getKey(), h.getValue());
        }
      });
      return client.request(options).compose(out -> out.send(body)).compose(resp -> resp.body().map(rb -> {
        String seq = req.getHeader("Outflux-Seq");
        if (body.length() > 0) {
          requests.add(new Request(req.path(), seq == null ? -1 : Long.parseLong(seq), newlines(body), body.length(),
              resp.statusCode()));
        }
        req.response().setStatusCode(resp.statusCode());
        resp.headers().forEach(h -> {
          if (!h.getKey().equalsIgnoreCase("content-length") && !h.getKey().equalsIgnoreCase("transfer-encoding")) {
            req.response().putHeader(h.getKey(), h.getValue());
          }
        });
        return req.response().end(rb);
      }));
    }).onFailure(err -> {
      if (!req.response().ended()) {
        req.response().setStatusCode(502).end(String.valueOf(err));
      }
    });
  }

  private static int newlines(Buffer b) {
    int n = 0;
    for (int i = 0; i < b.length(); i++) {
      if (b.getByte(i) == '\n') {
        n++;
      }
    }
    return n;
  }

  @Override
  public void close() throws Exception {
    server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    client.close();
  }
}
