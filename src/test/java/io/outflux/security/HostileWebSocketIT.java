package io.outflux.security;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.influxd.Privilege;
import io.outflux.protocol.StreamProtocol;
import io.outflux.testing.CentralInflux;
import io.outflux.testing.ServerFixture;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Hostile input on the streaming endpoint: a WebSocket that never authenticates, random bytes,
 * a gzip bomb, poison lines. Each is refused (401 before the upgrade, or a nack for the frame) and
 * the same connection, or a new one, still gets a good batch stored.
 */
@ExtendWith(VertxExtension.class)
class HostileWebSocketIT {

  private static final String DB = "hostile_ws";
  @RegisterExtension
  static final CentralInflux central = CentralInflux.perTestClass();
  private int port;
  private WebSocketClient wsClient;
  private long goodSeq = 1_000_000;
  private int good;

  @BeforeAll
  static void start() {
    central.influxd.createDatabase(DB);
    central.influxd.grant(Privilege.WRITE, DB, CentralInflux.WRITER);
  }

  @BeforeEach
  void server(Vertx vertx) throws Exception {
    port = ServerFixture.deploy(vertx, central.influxd.url(), new JsonObject().put("maxBodySize", "1MiB"));
    // the test client itself must be able to send an oversized message
    wsClient = vertx.createWebSocketClient(new io.vertx.core.http.WebSocketClientOptions()
        .setMaxFrameSize(64 * 1024).setMaxMessageSize(64 << 20));
  }

  private WebSocketConnectOptions options(boolean withAuth) {
    WebSocketConnectOptions o = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
        .setURI(StreamProtocol.STREAM_PATH + "?db=" + DB).addHeader("Outflux-Client-Id", "hostile-ws");
    if (withAuth) {
      o.addHeader("Authorization", "Basic " + Base64.getEncoder().encodeToString(
          (CentralInflux.WRITER + ":" + CentralInflux.WRITER_PASSWORD).getBytes(StandardCharsets.UTF_8)));
    }
    return o;
  }

  private record Conn(WebSocket ws, LinkedBlockingQueue<JsonObject> answers) {
    JsonObject next() throws InterruptedException {
      JsonObject a = answers.poll(20, TimeUnit.SECONDS);
      assertNotNull(a, "the server answers every frame");
      return a;
    }
  }

  private Conn connect() throws Exception {
    LinkedBlockingQueue<JsonObject> answers = new LinkedBlockingQueue<>();
    WebSocket ws = wsClient.connect(options(true)).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    ws.textMessageHandler(t -> answers.add(new JsonObject(t)));
    return new Conn(ws, answers);
  }

  private void goodBatchStored(Conn c) throws Exception {
    good++;
    c.ws().writeBinaryMessage(StreamProtocol.encodeBatch(++goodSeq, 1, false,
        Buffer.buffer("ws_good v=" + good + " " + good + "\n")));
    JsonObject ack = c.next();
    assertEquals("ack", ack.getString("type"), ack.encode());
    assertEquals(good, central.count(DB, "ws_good"));
    assertEquals(204, central.influxd.anonymousClient().ping());
  }

  @Test
  void aWebSocketWithoutCredentialsIsRefusedBeforeTheUpgrade() throws Exception {
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> wsClient.connect(options(false)).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
    assertTrue(e.getCause() instanceof UpgradeRejectedException, e.getCause().toString());
    assertEquals(401, ((UpgradeRejectedException) e.getCause()).getStatus());
    goodBatchStored(connect());
  }

  @Test
  void randomBytesAreNackedAndTheConnectionStaysUsable() throws Exception {
    Conn c = connect();
    Random random = new Random(7);
    for (int i = 0; i < 200; i++) {
      byte[] junk = new byte[random.nextInt(64)];
      random.nextBytes(junk);
      c.ws().writeBinaryMessage(Buffer.buffer(junk));
      JsonObject answer = c.next();
      assertTrue("nack".equals(answer.getString("type")) || "ack".equals(answer.getString("type")), answer.encode());
      if ("nack".equals(answer.getString("type"))) {
        assertTrue(answer.getInteger("status") >= 400 && answer.getInteger("status") < 500, answer.encode());
      }
    }
    c.ws().writeTextMessage("{\"type\":\"nonsense\"}"); // text from a client is ignored
    // report messages with nonsense in them are read leniently, never answered, never fatal
    c.ws().writeTextMessage("{\"type\":\"report\",\"backlogBytes\":-5,\"backlogLines\":1e400,\"lagSeconds\":{}}");
    c.ws().writeTextMessage("{\"type\":\"report\",\"backlogBytes\":99999999999999999999999}");
    c.ws().writeTextMessage("not json at all");
    goodBatchStored(c);
  }

  @Test
  void gzipBombIsCutOffAtTheLimit() throws Exception {
    ByteArrayOutputStream compressed = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(compressed)) {
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 128; i++) {
        gz.write(zeros); // 128 MiB inflated, a few hundred KiB sent
      }
    }
    Conn c = connect();
    c.ws().writeBinaryMessage(StreamProtocol.encodeBatch(1, 1, true, Buffer.buffer(compressed.toByteArray())));
    JsonObject answer = c.next();
    assertEquals("nack", answer.getString("type"), answer.encode());
    assertEquals(413, answer.getInteger("status"));
    goodBatchStored(c);
  }

  @Test
  void streamsPerClientIdAreCapped() throws Exception {
    Conn first = connect();
    Conn second = connect();
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> wsClient.connect(options(true)).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
    assertEquals(429, ((UpgradeRejectedException) e.getCause()).getStatus(), "http.maxStreamsPerClient defaults to 2");
    first.ws().close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    // the slot is free once the server has handled the close; until then a new stream still gets 429
    Conn third = await("a stream slot free again").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
        .ignoreExceptionsMatching(t -> t.getCause() instanceof UpgradeRejectedException u && u.getStatus() == 429)
        .until(this::connect, Objects::nonNull);
    goodBatchStored(third);
    goodBatchStored(second);
  }

  @Test
  void aMessageOverTheSizeLimitClosesThatStreamOnly() throws Exception {
    Conn c = connect();
    LinkedBlockingQueue<Boolean> closed = new LinkedBlockingQueue<>();
    c.ws().closeHandler(v -> closed.add(true));
    byte[] big = new byte[2 << 20]; // over http.maxBodySize (1 MiB) + header
    java.util.Arrays.fill(big, (byte) 'x');
    c.ws().writeBinaryMessage(StreamProtocol.encodeBatch(9, 1, false, Buffer.buffer(big)));
    assertNotNull(closed.poll(20, TimeUnit.SECONDS), "the server closes a stream that sends an oversized message");
    goodBatchStored(connect());
  }

  @Test
  void poisonLinesOverTheStreamAreRejectedAndInfluxDbStaysUp() throws Exception {
    Conn c = connect();
    String body = "ws_poison v=1 1\n0 \\\\=\"=\"\nws_poison v=2 2\nm \\0=\",\"=3,\"=\"\n";
    c.ws().writeBinaryMessage(StreamProtocol.encodeBatch(5, 4, false, Buffer.buffer(body)));
    JsonObject ack = c.next();
    assertEquals("ack", ack.getString("type"), ack.encode());
    assertEquals(2, ack.getLong("written"));
    assertEquals(2, ack.getJsonArray("rejected").size());
    assertTrue(central.influxd.isAlive());
    assertEquals(2, central.count(DB, "ws_poison"));
    goodBatchStored(c);
  }
}
