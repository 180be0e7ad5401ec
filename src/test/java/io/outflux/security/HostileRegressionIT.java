package io.outflux.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.admin.AdminToken;
import io.outflux.demo.ChildJvm;
import io.outflux.demo.TestCerts;
import io.outflux.influxd.FreePorts;
import io.outflux.influxd.Privilege;
import io.outflux.protocol.StreamProtocol;
import io.outflux.server.ServerVerticle;
import io.outflux.testing.Await;
import io.outflux.testing.CentralInflux;
import io.outflux.testing.ClientFixture;
import io.outflux.testing.OpenSslHandshake;
import io.outflux.testing.ServerNode;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attacks of issue 15, each provoked for real against one server node (its own JVM from the
 * jar, 256 MiB of heap, JSON logs) in front of a real influxd with auth on, while a healthy client
 * writes throughout; the last test counts every one of its points. Each attacker uses its own
 * loopback source addresses (127.x.y.z), as attackers with many addresses would, and how many of
 * its credential checks reached InfluxDB is read from influxd's own {@code httpd authFail} counter.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileRegressionIT {

  @RegisterExtension
  static final CentralInflux central = CentralInflux.perTestClass();
  private static final String HEALTHY_DB = "healthy";
  private static final String HEALTHY_ID = "healthy-01";
  private static final String NOPRIV = "nopriv";

  @TempDir
  static Path dir;
  private ChildJvm node;
  private int port;
  private Vertx site;
  private WebSocketClient ws;
  private int adminPort;
  private final ScheduledExecutorService feeder = Executors.newSingleThreadScheduledExecutor();
  private final AtomicLong appended = new AtomicLong();

  @BeforeAll
  void start() throws Exception {
    for (String db : List.of(HEALTHY_DB, "dup_old", "dup_new", "stale")) {
      central.influxd.createDatabase(db);
      central.influxd.grant(Privilege.WRITE, db, CentralInflux.WRITER);
    }
    central.influxd.createUser(NOPRIV, "nopriv-pw", false);
    port = FreePorts.next();
    Path conf = dir.resolve("server.json");
    Files.writeString(conf, new JsonObject()
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", port))
        .put("influx", new JsonObject().put("url", central.influxd.url()).put("timeout", "10s")).encode());
    node = ChildJvm.start("hostile-node", ServerNode.jar(), dir.resolve("node.log"),
        List.of("-Xmx256m", "-Dlogback.configurationFile=logback-json.xml"), "server", "-conf", conf.toString());
    node.awaitHttp("http://127.0.0.1:" + port + "/health", Duration.ofSeconds(60));

    site = Vertx.vertx();
    ws = site.createWebSocketClient();
    adminPort = FreePorts.next();
    Path spool = dir.resolve("healthy/metrics.lp");
    Files.createDirectories(spool.getParent());
    Files.createFile(spool);
    JsonObject config = ClientFixture.config("http://127.0.0.1:" + port, spool, HEALTHY_DB, CentralInflux.WRITER,
        CentralInflux.WRITER_PASSWORD).put("clientId", HEALTHY_ID);
    config.getJsonObject("admin").put("port", adminPort);
    ClientFixture.deploy(site, config);
    long t0 = 1_700_000_000_000_000_000L;
    feeder.scheduleAtFixedRate(() -> {
      StringBuilder lines = new StringBuilder();
      for (int i = 0; i < 20; i++) {
        long n = appended.incrementAndGet();
        lines.append("healthy v=").append(n).append("i ").append(t0 + n).append('\n');
      }
      try {
        Files.writeString(spool, lines, java.nio.file.StandardOpenOption.APPEND);
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e);
      }
    }, 0, 100, TimeUnit.MILLISECONDS);
    Await.until(() -> central.count(HEALTHY_DB, "healthy"), n -> n > 0, Duration.ofSeconds(30));
  }

  @AfterAll
  void stop() throws Exception {
    feeder.shutdownNow();
    if (site != null) {
      site.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    if (node != null) {
      node.close();
    }
  }

  // ---- attacks

  @Test
  @Order(1)
  void aUserNameWithANewlineCannotForgeALogLine() throws Exception {
    String forged = "evil\n{\"level\":\"INFO\",\"message\":\"FORGED admin logged in\"}\r\nFORGED plain line";
    RawHttp.Response r = post("127.10.0.1", "/api/v1/batches?db=" + HEALTHY_DB, RawHttp.basic(forged, "x"), "attacker",
        "x v=1 1\n".getBytes(StandardCharsets.UTF_8));
    assertEquals(401, r.status(), r.body());
    List<JsonObject> events = Await.until(this::logEvents, list -> list.stream()
        .anyMatch(e -> e.getString("formattedMessage", "").contains("refused user evil")), Duration.ofSeconds(20));
    for (JsonObject e : events) {
      String message = e.getString("formattedMessage", "");
      assertFalse(message.contains("\n") || message.contains("\r"), "one event, one line: " + message);
    }
    assertTrue(Files.readAllLines(node.log()).stream().noneMatch(l -> l.startsWith("FORGED")
        || l.startsWith("{\"level\":\"INFO\",\"message\":\"FORGED")), "no line of the log file is the attacker's");
  }

  @Test
  @Order(2)
  void theSameBatchResentToAnotherDatabaseIsStoredThere() throws Exception {
    // the operator fixes influx.database and the client resends from its checkpoint: same id, seq, body
    for (int seq = 1; seq <= 5; seq++) {
      byte[] body = ("moved,batch=" + seq + " v=1 1\nmoved,batch=" + seq + " v=2 2\n").getBytes(StandardCharsets.UTF_8);
      assertEquals(200, postBatch("127.11.0.1", "dup_old", "movedsite", seq, CentralInflux.WRITER,
          CentralInflux.WRITER_PASSWORD, body).status());
      RawHttp.Response again = postBatch("127.11.0.1", "dup_new", "movedsite", seq, CentralInflux.WRITER,
          CentralInflux.WRITER_PASSWORD, body);
      assertEquals(200, again.status(), again.body());
      assertEquals(2, new JsonObject(again.body()).getLong("written"));
    }
    assertEquals(10, central.count("dup_old", "moved"));
    assertEquals(10, central.count("dup_new", "moved"), "every point is stored where the client now asks");
    // a user without rights cannot have its copy acknowledged on the strength of someone else's write
    assertEquals(403, postBatch("127.11.0.2", "dup_new", "movedsite", 1, NOPRIV, "nopriv-pw",
        "moved,batch=1 v=1 1\nmoved,batch=1 v=2 2\n".getBytes(StandardCharsets.UTF_8)).status());
  }

  @Test
  @Order(3)
  void aUserWithoutPrivilegesCannotChangeAClientsFleetEntryNorClaimAnOversizedId() throws Exception {
    JsonObject before = Await.until(() -> fleetEntry(HEALTHY_ID), e -> e != null, Duration.ofSeconds(20));
    RawHttp.Response forged = RawHttp.send("127.12.0.1", port, "POST", "/api/v1/batches?db=" + HEALTHY_DB,
        Map.of("Authorization", RawHttp.basic(NOPRIV, "nopriv-pw"), "Outflux-Client-Id", HEALTHY_ID,
            "Outflux-Seq", "1", "Outflux-Backlog-Bytes", "999000000000", "Outflux-Lag-Seconds", "86400"),
        "x v=1 1\n".getBytes(StandardCharsets.UTF_8));
    assertEquals(403, forged.status(), forged.body());
    assertEquals(400, post("127.12.0.1", "/api/v1/batches?db=" + HEALTHY_DB, RawHttp.basic(CentralInflux.WRITER,
        CentralInflux.WRITER_PASSWORD), "x".repeat(8000), "y v=1 1\n".getBytes(StandardCharsets.UTF_8)).status());
    // the healthy client's own updates go on; none of them shows the forged figures
    String seenBefore = before.getString("lastSeen");
    for (int i = 0; i < 3; i++) {
      JsonObject entry = Await.until(() -> fleetEntry(HEALTHY_ID), e -> !e.getString("lastSeen").equals(seenBefore),
          Duration.ofSeconds(20));
      assertTrue(entry.getLong("backlogBytes", 0L) < 1_000_000_000L, entry.encode());
      assertTrue(entry.getDouble("lagSeconds", 0.0) < 3600, entry.encode());
    }
    JsonArray clients = fleet(CentralInflux.ADMIN, CentralInflux.ADMIN_PASSWORD).getJsonArray("clients");
    assertTrue(clients.stream().noneMatch(c -> ((JsonObject) c).getString("clientId").length() > 128));
  }

  @Test
  @Order(4)
  void operatorEndpointsTakeInfluxAdminsOnlyAndTheClientAdminEndpointNoWebPage() throws Exception {
    for (String path : List.of("/api/v1/clients", "/api/v1/flush")) {
      String method = path.endsWith("flush") ? "POST" : "GET";
      assertEquals(401, RawHttp.send("127.13.0.1", port, method, path, Map.of(), null).status(), path);
      assertEquals(403, RawHttp.send("127.13.0.1", port, method, path,
          Map.of("Authorization", RawHttp.basic(CentralInflux.WRITER, CentralInflux.WRITER_PASSWORD)), null).status(),
          path + " with a writer's credentials");
      assertEquals(200, RawHttp.send("127.13.0.1", port, method, path,
          Map.of("Authorization", RawHttp.basic(CentralInflux.ADMIN, CentralInflux.ADMIN_PASSWORD)), null).status(),
          path + " with an InfluxDB admin's");
    }
    assertEquals(200, RawHttp.send("127.13.0.1", port, "GET", "/metrics", Map.of(), null).status(),
        "/metrics stays open for Prometheus by default");
    // cross-site calls to the healthy client's admin endpoint: Origin, a rebound Host, no token
    String token = AdminToken.read(AdminToken.pathFor(dir.resolve("healthy/metrics.lp.checkpoint")));
    assertEquals(403, RawHttp.send("127.0.0.1", adminPort, "POST", "/flush?force=true",
        Map.of("Origin", "http://evil.example", AdminToken.HEADER, token), new byte[0]).status());
    assertEquals(401, RawHttp.send("127.0.0.1", adminPort, "POST", "/flush?force=true", Map.of(), new byte[0]).status());
  }

  @Test
  @Order(5)
  void aBodyOfBadLinesGetsABoundedReply() throws Exception {
    byte[] body = "not line protocol\n".repeat((2 << 20) / 18).getBytes(StandardCharsets.UTF_8);
    RawHttp.Response r = postBatch("127.14.0.1", HEALTHY_DB, "badlines", 1, CentralInflux.WRITER,
        CentralInflux.WRITER_PASSWORD, body);
    assertEquals(200, r.status());
    JsonObject reply = new JsonObject(r.body());
    assertEquals(0, reply.getLong("written"));
    assertEquals(body.length / 18, reply.getJsonArray("rejected").size() + reply.getLong("unlisted"));
    assertTrue(r.body().length() < 100_000, "reply of " + r.body().length() + " bytes for a 2 MiB body");
  }

  @Test
  @Order(6)
  void gzipAmplifiedRejectsDoNotTakeTheNodeDown() throws Exception {
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      byte[] chunk = "x\n".repeat(1 << 19).getBytes(StandardCharsets.UTF_8); // 1 MiB
      for (int i = 0; i < 24; i++) {
        out.write(chunk); // 24 MiB of invalid lines: exactly http.maxBodySize
      }
    }
    byte[] bomb = gz.toByteArray();
    assertTrue(bomb.length < 100_000, bomb.length + " bytes on the wire");
    List<Callable<RawHttp.Response>> attacks = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String from = "127.15.0." + (i + 1);
      attacks.add(() -> RawHttp.send(from, port, "POST", "/api/v1/batches?db=" + HEALTHY_DB,
          Map.of("Authorization", RawHttp.basic(CentralInflux.WRITER, CentralInflux.WRITER_PASSWORD),
              "Outflux-Client-Id", "bomber", "Content-Encoding", "gzip"), bomb));
    }
    ExecutorService pool = Executors.newFixedThreadPool(attacks.size());
    try {
      for (Future<RawHttp.Response> f : pool.invokeAll(attacks, 120, TimeUnit.SECONDS)) {
        RawHttp.Response r = f.get();
        assertEquals(200, r.status(), r.body());
        JsonObject reply = new JsonObject(r.body());
        assertEquals(12L << 20, reply.getJsonArray("rejected").size() + reply.getLong("unlisted"));
        assertTrue(r.body().length() < 100_000, r.body().length() + " bytes");
      }
    } finally {
      pool.shutdownNow();
    }
    RawHttp.Response unauthenticated = RawHttp.send("127.15.1.1", port, "POST", "/api/v1/batches?db=" + HEALTHY_DB,
        Map.of("Authorization", RawHttp.basic(NOPRIV, "wrong"), "Outflux-Client-Id", "bomber",
            "Content-Encoding", "gzip"), bomb);
    assertEquals(401, unauthenticated.status(), "refused before the body is inflated: " + unauthenticated.body());
    assertTrue(node.isAlive(), "the node survived");
    assertEquals(200, RawHttp.send("127.15.0.9", port, "GET", "/health", Map.of(), null).status());
    assertFalse(Files.readString(node.log()).contains("OutOfMemoryError"));
  }

  @Test
  @Order(7)
  void aChangedPasswordOrARevokedPrivilegeEndsTheStreamAtTheFirstRefusedWrite() throws Exception {
    central.influxd.createUser("rotating", "old-pw", false);
    central.influxd.grant(Privilege.WRITE, "stale", "rotating");
    Stream stream = connect("rotating", "old-pw", "rotating-site");
    assertEquals("ack", stream.send(1, "stale_v v=1 1\n").getString("type"));
    central.influxd.query("SET PASSWORD FOR \"rotating\" = 'new-pw'");
    JsonObject nack = stream.send(2, "stale_v v=2 2\n");
    assertEquals(401, nack.getInteger("status"), nack.encode());
    assertEquals(1008, (int) Await.until(stream::closeStatus, s -> s != null, Duration.ofSeconds(10)));
    assertEquals(401, upgrade("127.16.0.1", "rotating", "old-pw", "stale").status(),
        "the old password gets no new stream, cached or not");

    central.influxd.createUser("revoked", "pw", false);
    central.influxd.grant(Privilege.WRITE, "stale", "revoked");
    Stream second = connect("revoked", "pw", "revoked-site");
    assertEquals("ack", second.send(1, "stale_v v=3 3\n").getString("type"));
    central.influxd.query("REVOKE WRITE ON \"stale\" FROM \"revoked\"");
    assertEquals(403, second.send(2, "stale_v v=4 4\n").getInteger("status"));
    assertEquals(1008, (int) Await.until(second::closeStatus, s -> s != null, Duration.ofSeconds(10)));
    assertEquals(403, upgrade("127.16.0.2", "revoked", "pw", "stale").status());
    assertEquals(2, central.count("stale", "stale_v"));
  }

  @Test
  @Order(8)
  void twoHundredParallelGuessesOverHttpReachInfluxDbAtMostTenTimes() throws Exception {
    long before = influxAuthFailures();
    List<RawHttp.Response> answers = parallel(200, i -> postBatch("127.20.0.1", HEALTHY_DB, "guesser", i + 1,
        CentralInflux.WRITER, "guess-" + i, "g v=1 1\n".getBytes(StandardCharsets.UTF_8)));
    long reached = influxAuthFailures() - before;
    assertTrue(reached <= 10, reached + " guesses reached InfluxDB");
    assertTrue(answers.stream().allMatch(r -> r.status() == 401 || r.status() == 429), answers.toString());
    assertTrue(answers.stream().filter(r -> r.status() == 429).allMatch(r -> r.headers().containsKey("retry-after")));
  }

  @Test
  @Order(9)
  void twoHundredParallelGuessesOverWebSocketUpgradesReachInfluxDbAtMostTenTimes() throws Exception {
    long before = influxAuthFailures();
    List<RawHttp.Response> answers = parallel(200, i -> upgrade("127.21.0.1", CentralInflux.WRITER, "guess-" + i,
        HEALTHY_DB));
    long reached = influxAuthFailures() - before;
    assertTrue(reached <= 10, reached + " guesses reached InfluxDB");
    assertTrue(answers.stream().noneMatch(r -> r.status() == 101));
  }

  @Test
  @Order(10)
  void aFloodFromTenThousandAddressesNeitherWipesTheThrottleNorGuessesOn() throws Exception {
    String victim = "127.30.0.1";
    for (int i = 0; i < 10; i++) {
      assertEquals(401, guess(victim, i).status());
    }
    assertEquals(429, guess(victim, 10).status(), "the address is throttled");
    long before = influxAuthFailures();
    List<RawHttp.Response> flood = parallel(10_050, i -> guess("127.31." + (i / 250) + "." + (i % 250 + 1), i));
    long reached = influxAuthFailures() - before;
    assertTrue(reached <= 300, reached + " of 10,050 guesses from fresh addresses reached InfluxDB");
    assertTrue(flood.stream().filter(r -> r.status() == 429).count() >= 10_050 - 300);
    RawHttp.Response still = guess(victim, 11);
    assertEquals(429, still.status(), "the throttled address was not forgotten: " + still.body());
  }

  @Test
  @Order(11)
  void theTlsFrontRefusesSuitesWithoutForwardSecrecyOrWithCbc(@TempDir Path certDir) throws Exception {
    TestCerts certs = TestCerts.create(certDir);
    Vertx vertx = Vertx.vertx();
    try {
      ServerVerticle tls = new ServerVerticle();
      vertx.deployVerticle(tls, new DeploymentOptions().setConfig(new JsonObject()
              .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0).put("tls", new JsonObject()
                  .put("certFile", certs.serverCert().toString()).put("keyFile", certs.serverKey().toString())))
              .put("influx", new JsonObject().put("url", central.influxd.url()))))
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      int tlsPort = tls.actualPort();
      assertTrue(OpenSslHandshake.offer(tlsPort, certs.caCert(), "-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256")
          .startsWith("ok"));
      for (String weak : List.of("AES128-SHA", "AES256-GCM-SHA384", "ECDHE-RSA-AES128-SHA")) {
        assertTrue(OpenSslHandshake.offer(tlsPort, certs.caCert(), "-tls1_2", "-cipher", weak).startsWith("refused"),
            weak);
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  @Order(99)
  void theHealthyClientWroteThroughoutAndLostNothing() throws Exception {
    feeder.shutdown();
    assertTrue(feeder.awaitTermination(10, TimeUnit.SECONDS));
    long total = appended.get();
    assertEquals(total, Await.value(() -> central.count(HEALTHY_DB, "healthy"), total, Duration.ofSeconds(60)),
        "every point the healthy client was given is in InfluxDB");
    assertTrue(node.isAlive());
  }

  // ---- helpers

  private RawHttp.Response guess(String from, int i) throws Exception {
    return postBatch(from, HEALTHY_DB, "flooder", i + 1, "flood-user-" + (i % 50), "pw-" + i,
        "f v=1 1\n".getBytes(StandardCharsets.UTF_8));
  }

  private RawHttp.Response post(String from, String path, String auth, String clientId, byte[] body) throws Exception {
    return RawHttp.send(from, port, "POST", path, Map.of("Authorization", auth, "Outflux-Client-Id", clientId), body);
  }

  private RawHttp.Response postBatch(String from, String db, String clientId, long seq, String user, String password,
                                     byte[] body) throws Exception {
    return RawHttp.send(from, port, "POST", "/api/v1/batches?db=" + db, Map.of("Authorization",
        RawHttp.basic(user, password), "Outflux-Client-Id", clientId, "Outflux-Seq", Long.toString(seq)), body);
  }

  private RawHttp.Response upgrade(String from, String user, String password, String db) throws Exception {
    return RawHttp.upgrade(from, port, StreamProtocol.STREAM_PATH + "?db=" + db,
        Map.of("Authorization", RawHttp.basic(user, password), "Outflux-Client-Id", "ws-attacker"));
  }

  private interface Attempt {
    RawHttp.Response run(int i) throws Exception;
  }

  /** {@code n} requests released at once from 64 threads. */
  private static List<RawHttp.Response> parallel(int n, Attempt attempt) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(n, 64));
    CountDownLatch go = new CountDownLatch(1);
    try {
      List<Future<RawHttp.Response>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int index = i;
        futures.add(pool.submit(() -> {
          go.await();
          return attempt.run(index);
        }));
      }
      go.countDown();
      List<RawHttp.Response> answers = new ArrayList<>();
      for (Future<RawHttp.Response> f : futures) {
        answers.add(f.get(120, TimeUnit.SECONDS));
      }
      return answers;
    } finally {
      pool.shutdownNow();
    }
  }

  /** influxd's own count of requests it refused for bad credentials. */
  private static long influxAuthFailures() {
    JsonObject series = central.influxd.query("SHOW STATS FOR 'httpd'").getJsonArray("results").getJsonObject(0)
        .getJsonArray("series").getJsonObject(0);
    int column = series.getJsonArray("columns").getList().indexOf("authFail");
    return series.getJsonArray("values").getJsonArray(0).getLong(column);
  }

  private JsonObject fleet(String user, String password) throws Exception {
    RawHttp.Response r = RawHttp.send("127.0.0.1", port, "GET", "/api/v1/clients",
        Map.of("Authorization", RawHttp.basic(user, password)), null);
    assertEquals(200, r.status(), r.body());
    return new JsonObject(r.body());
  }

  private JsonObject fleetEntry(String clientId) throws Exception {
    return fleet(CentralInflux.ADMIN, CentralInflux.ADMIN_PASSWORD).getJsonArray("clients").stream()
        .map(JsonObject.class::cast).filter(c -> clientId.equals(c.getString("clientId"))).findFirst().orElse(null);
  }

  private List<JsonObject> logEvents() throws Exception {
    List<JsonObject> events = new ArrayList<>();
    for (String line : Files.readAllLines(node.log())) {
      if (line.startsWith("{")) {
        events.add(new JsonObject(line));
      }
    }
    return events;
  }

  private record Stream(WebSocket ws, LinkedBlockingQueue<JsonObject> answers, AtomicLong closed) {
    JsonObject send(long seq, String lines) throws InterruptedException {
      ws.writeBinaryMessage(StreamProtocol.encodeBatch(seq, 1, false, Buffer.buffer(lines)));
      JsonObject answer = answers.poll(20, TimeUnit.SECONDS);
      assertNotNull(answer, "the server answers every batch");
      return answer;
    }

    Integer closeStatus() {
      return closed.get() == 0 ? null : (int) closed.get();
    }
  }

  private Stream connect(String user, String password, String clientId) throws Exception {
    WebSocket socket = ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
            .setURI(StreamProtocol.STREAM_PATH + "?db=stale").addHeader("Outflux-Client-Id", clientId)
            .addHeader("Authorization", RawHttp.basic(user, password)))
        .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    LinkedBlockingQueue<JsonObject> answers = new LinkedBlockingQueue<>();
    AtomicLong closed = new AtomicLong();
    socket.textMessageHandler(t -> answers.add(new JsonObject(t)));
    socket.closeHandler(v -> closed.set(socket.closeStatusCode() == null ? -1 : socket.closeStatusCode()));
    return new Stream(socket, answers, closed);
  }
}
