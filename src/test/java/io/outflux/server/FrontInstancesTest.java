package io.outflux.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.cluster.ClusterConfig;
import io.outflux.config.ConfigReader;
import io.outflux.influxd.FreePorts;
import io.outflux.ingest.AuthRequest;
import io.outflux.ingest.AuthResult;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Node-wide limits hold when the front runs as several instances in one Vert.x (round-robin over
 * one port, each instance on its own event loop): the connection cap and the password throttle
 * count for the node, not per instance. The credential check is answered by a fake InfluxDB
 * consumer on the event bus that refuses everything and counts.
 */
class FrontInstancesTest {

  private final Vertx vertx = Vertx.vertx();
  private final AtomicInteger checks = new AtomicInteger();
  private int port;
  private volatile boolean acceptAll;

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private void deploy(int instances, JsonObject http, JsonObject auth) throws Exception {
    ServerBus.registerCodecs(vertx);
    vertx.eventBus().<AuthRequest>localConsumer(ServerBus.AUTHENTICATE, msg -> {
      checks.incrementAndGet();
      vertx.setTimer(50, t -> msg.reply(acceptAll ? new AuthResult.Accepted()
          : new AuthResult.Rejected(401, "authorization failed")));
    });
    port = FreePorts.next();
    ConfigReader root = ConfigReader.root(new JsonObject()
        .put("http", http.copy().put("host", "127.0.0.1").put("port", port)).put("auth", auth), "test", "server", Map.of());
    FrontConfig config = FrontConfig.from(root.section("http"), root.section("auth"));
    vertx.deployVerticle(() -> new FrontVerticle(config, Duration.ofSeconds(5), ClusterConfig.defaults(),
            URI.create("http://127.0.0.1:1")), new DeploymentOptions().setInstances(instances))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void theConnectionCapIsForTheNodeNotPerInstance() throws Exception {
    deploy(4, new JsonObject().put("maxConnections", 3), new JsonObject());
    List<Socket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < 8; i++) {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(1500);
        sockets.add(s);
      }
      int open = 0;
      for (Socket s : sockets) {
        try {
          if (s.getInputStream().read() >= 0) {
            open++;
          }
        } catch (SocketTimeoutException stillOpen) {
          open++;
        } catch (java.io.IOException reset) {
          // closed by the server
        }
      }
      assertEquals(3, open, "http.maxConnections holds across the instances");
    } finally {
      for (Socket s : sockets) {
        s.close();
      }
    }
  }

  @Test
  void parallelGuessesAcrossInstancesReachInfluxDbAtMostMaxFailuresTimes() throws Exception {
    deploy(4, new JsonObject(), new JsonObject().put("maxFailures", 10));
    ExecutorService pool = Executors.newFixedThreadPool(32);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Integer>> answers = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      int n = i;
      answers.add(pool.submit(() -> {
        go.await();
        return post("guess-" + n);
      }));
    }
    go.countDown();
    int throttled = 0;
    for (Future<Integer> f : answers) {
      int status = f.get(60, TimeUnit.SECONDS);
      assertTrue(status == 401 || status == 429, "status " + status);
      throttled += status == 429 ? 1 : 0;
    }
    pool.shutdownNow();
    assertTrue(checks.get() <= 10, checks.get() + " checks reached InfluxDB");
    assertEquals(100 - checks.get(), throttled);
  }

  /**
   * Concurrent batches of one client spread over 4 instances (one connection each, round-robin):
   * InfluxDB never has more than {@code http.maxInFlightPerClient} of them at once, and the rest get
   * 429, as with one instance.
   */
  @Test
  void theInFlightLimitPerClientHoldsAcrossInstances() throws Exception {
    AtomicInteger writing = new AtomicInteger();
    AtomicInteger maxWriting = new AtomicInteger();
    acceptAll = true;
    deploy(4, new JsonObject().put("maxInFlightPerClient", 2), new JsonObject());
    vertx.eventBus().<io.outflux.ingest.WriteRequest>localConsumer(ServerBus.WRITE, msg -> {
      int now = writing.incrementAndGet();
      maxWriting.accumulateAndGet(now, Math::max);
      vertx.setTimer(1_500, t -> {
        writing.decrementAndGet();
        msg.reply(new io.outflux.ingest.WriteResult.Written(msg.body().lineCount(), List.of(), 0));
      });
    });
    ExecutorService pool = Executors.newFixedThreadPool(12);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Integer>> answers = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      answers.add(pool.submit(() -> {
        go.await();
        return post("pw");
      }));
    }
    go.countDown();
    int ok = 0;
    int limited = 0;
    for (Future<Integer> f : answers) {
      int status = f.get(60, TimeUnit.SECONDS);
      assertTrue(status == 200 || status == 429, "status " + status);
      ok += status == 200 ? 1 : 0;
      limited += status == 429 ? 1 : 0;
    }
    pool.shutdownNow();
    assertTrue(maxWriting.get() <= 2, maxWriting.get() + " batches of one client written at once");
    assertTrue(ok >= 2 && limited >= 6, ok + " written, " + limited + " refused with 429");
  }

  private int post(String password) throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(30_000);
      String auth = Base64.getEncoder().encodeToString(("edge:" + password).getBytes(StandardCharsets.UTF_8));
      String body = "m v=1 1\n";
      s.getOutputStream().write(("POST /api/v1/batches?db=telegraf HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic "
          + auth + "\r\nOutflux-Client-Id: guesser\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n"
          + body).getBytes(StandardCharsets.US_ASCII));
      InputStream in = s.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      return Integer.parseInt(response.substring(9, 12));
    }
  }
}
