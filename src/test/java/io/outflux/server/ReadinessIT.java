package io.outflux.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.influxd.InfluxdOptions;
import io.outflux.influxd.InfluxdProcess;
import io.outflux.testing.ServerFixture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code /health} says the node lives; {@code /ready} says its InfluxDB answers, following influxd down and up. */
@ExtendWith(VertxExtension.class)
class ReadinessIT {

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void readyFollowsInfluxDbWhileHealthStaysUp(Vertx vertx) throws Exception {
    try (InfluxdProcess influxd = InfluxdProcess.start(InfluxdOptions.defaults())) {
      int port = ServerFixture.deploy(vertx, influxd.url(), new JsonObject());
      HttpResponse<String> up = get(port, "/ready");
      assertEquals(200, up.statusCode(), up.body());
      assertEquals("UP", new JsonObject(up.body()).getString("influxdb"));

      influxd.kill9();
      HttpResponse<String> down = get(port, "/ready");
      assertEquals(503, down.statusCode(), down.body());
      assertTrue(new JsonObject(down.body()).getString("influxdb").startsWith("unreachable"), down.body());
      assertEquals(200, get(port, "/health").statusCode(), "the node itself is alive");

      influxd.restart();
      assertEquals(200, get(port, "/ready").statusCode(), "ready again once InfluxDB is back");
    }
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
