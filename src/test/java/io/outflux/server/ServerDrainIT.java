package io.outflux.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.demo.TelegrafLikeLines;
import io.outflux.influxd.Privilege;
import io.outflux.protocol.StreamProtocol;
import io.outflux.testing.CentralInflux;
import io.outflux.testing.ServerFixture;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The graceful stop of a server node ({@link ServerBus#DRAIN}, sent by the launcher on SIGTERM) with
 * a stream whose batches are being written: the batches received are written and acknowledged or
 * refused with 503, the acknowledged ones are in InfluxDB, the stream is closed with 1001 behind the
 * last answer, and nothing new is accepted.
 */
@ExtendWith(VertxExtension.class)
class ServerDrainIT {

  private static final String DB = "drain_ws";
  private static final int FRAMES = 12; // below http.maxInFlightPerClient (16)
  private static final int LINES = 2000;
  @RegisterExtension
  static final CentralInflux central = CentralInflux.perTestClass();

  @Test
  void drainingAnswersEveryBatchInFlightThenClosesTheStream(Vertx vertx) throws Exception {
    central.influxd.createDatabase(DB);
    central.influxd.grant(Privilege.WRITE, DB, CentralInflux.WRITER);
    int port = ServerFixture.deploy(vertx, central.influxd.url(), new JsonObject());
    WebSocketClient client = vertx.createWebSocketClient();
    WebSocket ws = client.connect(options(port)).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    LinkedBlockingQueue<JsonObject> answers = new LinkedBlockingQueue<>();
    CompletableFuture<Short> closed = new CompletableFuture<>();
    ws.textMessageHandler(t -> answers.add(new JsonObject(t)));
    ws.closeHandler(v -> closed.complete(ws.closeStatusCode()));

    TelegrafLikeLines lines = new TelegrafLikeLines("drain", 1_700_000_000_000_000_000L);
    for (int seq = 1; seq <= FRAMES; seq++) {
      Buffer payload = Buffer.buffer(lines.block((long) (seq - 1) * LINES, (long) seq * LINES));
      ws.writeBinaryMessage(StreamProtocol.encodeBatch(seq, LINES, false, payload));
    }
    JsonObject first = answers.poll(20, TimeUnit.SECONDS);
    assertNotNull(first, "the first batch is answered");
    JsonObject drained = vertx.eventBus().<JsonObject>request(ServerBus.DRAIN, new JsonObject())
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS).body();

    assertEquals((short) 1001, closed.get(10, TimeUnit.SECONDS), "closed as 'going away'");
    assertEquals(1, drained.getInteger("streams"), drained.encode());
    assertTrue(drained.getBoolean("complete"), drained.encode());
    int acked = 0;
    int refused = 0;
    for (JsonObject a = first; a != null; a = answers.poll()) {
      if ("ack".equals(a.getString("type"))) {
        acked++;
      } else {
        assertEquals(503, a.getInteger("status"), a.encode());
        refused++;
      }
    }
    // a frame still on the wire when the close goes out gets no answer: its client resends it
    assertTrue(acked >= 1 && acked + refused <= FRAMES, acked + " acked, " + refused + " refused");
    assertEquals((long) acked * LINES, central.influxd.countPoints(DB),
        "every acknowledged batch is stored, and only those");

    ExecutionException e = assertThrows(ExecutionException.class, () -> client.connect(options(port))
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
    assertTrue(e.getCause().getMessage().contains("refused"), "the node no longer listens: " + e.getCause());
  }

  private static WebSocketConnectOptions options(int port) {
    return new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
        .setURI(StreamProtocol.STREAM_PATH + "?db=" + DB).addHeader("Outflux-Client-Id", "draining")
        .addHeader("Authorization", "Basic " + Base64.getEncoder().encodeToString(
            (CentralInflux.WRITER + ":" + CentralInflux.WRITER_PASSWORD).getBytes(StandardCharsets.UTF_8)));
  }
}
