package io.outflux.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.outflux.protocol.WireProtocol;
import io.outflux.testing.InfluxV2StubServer;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A server with influx.version 2 in front of {@link InfluxV2StubServer} (a stub of InfluxDB 2.x's API). */
class InfluxV2ServerTest {

  @Test
  void aBatchWithATokenAndABucketIsWrittenThroughTheV2ApiAndARetryIsNotWrittenTwice() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (InfluxV2StubServer stub = InfluxV2StubServer.start("tok", "acme", "metrics")) {
      ServerVerticle server = new ServerVerticle();
      vertx.deployVerticle(server, new DeploymentOptions().setConfig(new JsonObject()
              .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0))
              .put("influx", new JsonObject().put("url", stub.url()).put("version", 2).put("org", "acme"))))
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      HttpClient http = HttpClient.newHttpClient();
      HttpRequest.Builder post = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort()
              + WireProtocol.BATCHES_PATH + "?bucket=metrics&precision=s"))
          .header("Authorization", "Token tok")
          .header(WireProtocol.HEADER_CLIENT_ID, "edge-v2")
          .header(WireProtocol.HEADER_SEQ, "1")
          .POST(HttpRequest.BodyPublishers.ofString("cpu v=1 1\ncpu v=2 2\n"));
      HttpResponse<String> r = http.send(post.build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
      assertEquals(2, new JsonObject(r.body()).getLong("written"));
      assertEquals(200, http.send(post.build(), HttpResponse.BodyHandlers.ofString()).statusCode());
      assertEquals(2, stub.count("acme", "metrics"), "the retried batch was acknowledged without a second write");

      HttpResponse<String> wrong = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
              + server.actualPort() + WireProtocol.BATCHES_PATH + "?bucket=metrics"))
          .header("Authorization", "Token bad").header(WireProtocol.HEADER_CLIENT_ID, "edge-v2").POST(HttpRequest.BodyPublishers.ofString("cpu v=1 3\n")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(401, wrong.statusCode(), wrong.body());
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }
}
