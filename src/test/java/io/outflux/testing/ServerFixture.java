package io.outflux.testing;

import io.outflux.server.ServerVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;

/** Deploys a real outflux server in a test's Vert.x, writing to a real influxd. */
public final class ServerFixture {

  private ServerFixture() {
  }

  /** @return the port the server listens on (127.0.0.1) */
  public static int deploy(Vertx vertx, String influxUrl, JsonObject http) throws Exception {
    return deploy(vertx, influxUrl, http, new JsonObject());
  }

  /** @param sections more top-level sections of the server config (e.g. {@code "sites"}) */
  public static int deploy(Vertx vertx, String influxUrl, JsonObject http, JsonObject sections) throws Exception {
    ServerVerticle server = new ServerVerticle();
    JsonObject config = sections.copy()
        .put("http", http.copy().put("host", "127.0.0.1").put("port", 0))
        .put("influx", new JsonObject().put("url", influxUrl));
    vertx.deployVerticle(server, new DeploymentOptions().setConfig(config))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    return server.actualPort();
  }
}
