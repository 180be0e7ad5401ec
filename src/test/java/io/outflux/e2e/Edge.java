package io.outflux.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.outflux.client.ClientVerticle;
import io.outflux.demo.TelegrafLikeLines;
import io.outflux.influxd.Privilege;
import io.outflux.server.ServerVerticle;
import io.outflux.testing.CentralInflux;
import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Test helpers shared by the sync ITs: a server and a client in one Vert.x, a spool, counts. */
final class Edge {

  final CentralInflux central;
  final String db;
  final Path spool;
  final TelegrafLikeLines lines;
  private long written;

  Edge(CentralInflux central, String db, Path dir) {
    this.central = central;
    this.db = db;
    this.spool = dir.resolve("metrics.lp");
    this.lines = new TelegrafLikeLines("edge-" + db, 1_700_000_000_000_000_000L);
    central.influxd.createDatabase(db);
    central.influxd.grant(Privilege.WRITE, db, CentralInflux.WRITER);
  }

  /** Appends the next {@code n} lines to the spool, like Telegraf's file output. */
  void append(int n) {
    try {
      Files.write(spool, lines.block(written, written + n), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    written += n;
  }

  long written() {
    return written;
  }

  long count() {
    return central.influxd.countPoints(db);
  }

  JsonObject clientConfig(String rule, int... serverPorts) {
    JsonArray servers = new JsonArray();
    for (int p : serverPorts) {
      servers.add("http://127.0.0.1:" + p);
    }
    return new JsonObject()
        .put("clientId", "edge-" + db)
        .put("servers", servers)
        .put("influx", new JsonObject().put("username", CentralInflux.WRITER)
            .put("password", CentralInflux.WRITER_PASSWORD).put("database", db))
        .put("spool", new JsonObject().put("path", spool.toString()).put("pollInterval", "20ms"))
        .put("sync", new JsonObject().put("rule", rule))
        .put("transport", new JsonObject().put("retryInitialDelay", "100ms").put("retryMaxDelay", "500ms"))
        .put("admin", new JsonObject().put("port", 0));
  }

  static ServerVerticle deployServer(Vertx vertx, CentralInflux central, int port) throws Exception {
    return deployServer(vertx, central, port, new JsonObject());
  }

  /** As {@link #deployServer(Vertx, CentralInflux, int)}, with {@code more} merged into the config. */
  static ServerVerticle deployServer(Vertx vertx, CentralInflux central, int port, JsonObject more) throws Exception {
    ServerVerticle server = new ServerVerticle();
    deploy(vertx, server, new JsonObject()
        // a short body timeout: a long-lived stream must not be mistaken for a slow request body
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", port).put("bodyTimeout", "300ms"))
        .put("influx", new JsonObject().put("url", central.influxd.url())).mergeIn(more, true));
    return server;
  }

  static ClientVerticle deployClient(Vertx vertx, JsonObject config) throws Exception {
    ClientVerticle client = new ClientVerticle();
    deploy(vertx, client, config);
    return client;
  }

  static String deploy(Vertx vertx, Deployable verticle, JsonObject config) throws Exception {
    return vertx.deployVerticle(verticle, new DeploymentOptions().setConfig(config))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  static void undeploy(Vertx vertx, String id) throws Exception {
    vertx.undeploy(id).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** Lines the client's tail has read and handed to its batcher, from its {@code GET /status}. */
  static long linesRead(ClientVerticle client) throws Exception {
    return admin(client.adminPort(), "/status").getValue().getJsonObject("lines").getLong("read");
  }

  /**
   * Waits until the client's tail has read {@code lines} (since it started): from then on a "nothing is
   * sent" check cannot pass just because the client is slow.
   */
  static void awaitRead(ClientVerticle client, long lines) {
    await("the tail reads " + lines + " lines").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
        .ignoreExceptions().until(() -> linesRead(client), n -> n == lines);
  }

  /** InfluxDB holds {@code count} points of this edge for the whole of {@code window}. */
  void nothingSentFor(long count, Duration window, String why) {
    if (window.toMillis() < 500) {
      throw new AssertionError("too little time left to check that " + why + ": " + window.toMillis() + " ms");
    }
    await(why).during(window).atMost(window.plusSeconds(5)).pollInterval(Duration.ofMillis(100))
        .until(this::count, n -> {
          assertEquals(count, n, why);
          return true;
        });
  }

  /** Output (stdout and stderr) and exit status of a {@code bin/outflux} command run as a process. */
  record Cli(int exit, String out) {
  }

  static Cli cli(String... args) throws Exception {
    String jar = System.getProperty("outflux.jar", "target/outflux.jar");
    java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("bin/outflux"));
    command.addAll(java.util.List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("OUTFLUX_JAR", jar);
    pb.environment().put("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (!p.waitFor(90, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("bin/outflux " + String.join(" ", args) + " did not end: " + out);
    }
    return new Cli(p.exitValue(), out);
  }

  /** GET on the client's admin endpoint: status code and JSON body. */
  static java.util.Map.Entry<Integer, JsonObject> admin(int port, String path) throws Exception {
    java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + path))
            .timeout(java.time.Duration.ofSeconds(20)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    return java.util.Map.entry(r.statusCode(), new JsonObject(r.body()));
  }

  /** POST on this edge's client admin endpoint, with the token the client wrote beside its checkpoint. */
  java.util.Map.Entry<Integer, JsonObject> postAdmin(int port, String pathAndQuery) throws Exception {
    String token = io.outflux.admin.AdminToken.read(io.outflux.admin.AdminToken.pathFor(Path.of(spool + ".checkpoint")));
    java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + pathAndQuery))
            .header(io.outflux.admin.AdminToken.HEADER, token)
            .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).timeout(java.time.Duration.ofSeconds(60)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    return java.util.Map.entry(r.statusCode(), new JsonObject(r.body()));
  }
}
