package io.outflux.testing;

import io.outflux.client.ClientVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;

/** A client config for tests (short intervals, fast polling) and its deployment in a test's Vert.x. */
public final class ClientFixture {

  private ClientFixture() {
  }

  public static JsonObject config(String serverUrl, Path spool, String db, String user, String password) {
    return new JsonObject()
        .put("clientId", "edge-test")
        .put("servers", new JsonArray().add(serverUrl))
        .put("influx", new JsonObject().put("username", user).put("password", password).put("database", db))
        .put("spool", new JsonObject().put("path", spool.toString()).put("pollInterval", "20ms"))
        .put("sync", new JsonObject().put("rule", "interval").put("interval", "200ms").put("maxBatchLines", 1000))
        .put("transport", new JsonObject().put("retryInitialDelay", "100ms").put("retryMaxDelay", "1s"))
        .put("admin", new JsonObject().put("port", 0));
  }

  /** @return the deployment id */
  public static String deploy(Vertx vertx, JsonObject config) throws Exception {
    return vertx.deployVerticle(new ClientVerticle(), new DeploymentOptions().setConfig(config))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /**
   * Undeploys everything while the test's temp dir still exists (call it from @AfterEach): a client
   * stopped after JUnit deleted its spool directory would retry its last checkpoint write forever,
   * and live on in the test JVM beside the next tests.
   */
  public static void undeployAll(Vertx vertx) throws Exception {
    for (String id : new ArrayList<>(vertx.deploymentIDs())) {
      if (vertx.deploymentIDs().contains(id)) {
        vertx.undeploy(id).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    }
  }
}
