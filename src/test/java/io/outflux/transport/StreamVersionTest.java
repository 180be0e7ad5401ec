package io.outflux.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.outflux.batch.Batch;
import io.outflux.batch.Progress;
import io.outflux.config.ConfigReader;
import io.outflux.lineprotocol.Precision;
import io.outflux.protocol.BatchReply;
import io.outflux.protocol.BatchSpan;
import io.outflux.protocol.Credentials;
import io.outflux.protocol.StreamProtocol;
import io.outflux.spool.SpoolPosition;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Stream version 2 is negotiated at the upgrade: the client asks, and sends its batches' spans only
 * when the 101 agreed. A real WebSocket server on loopback plays a server of either version: the one
 * before version 2 (no answer to the header, and, like it, refusing any flag it does not know) still
 * gets and acks every batch.
 */
class StreamVersionTest {

  private final Vertx vertx = Vertx.vertx();
  private final List<StreamProtocol.BatchFrame> received = new CopyOnWriteArrayList<>();
  private final List<String> asked = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aServerThatAnswersVersionTwoGetsEachBatchWithItsSpan() throws Exception {
    SendResult result = sendOneBatch(true);
    assertInstanceOf(SendResult.Acked.class, result, result.toString());
    assertEquals(List.of("2"), asked, "the client asks for stream version 2 at the upgrade");
    assertEquals(java.util.Optional.of(SPAN), received.get(0).span());
    assertEquals(LINES, received.get(0).payload().toString());
  }

  @Test
  void aServerBeforeVersionTwoGetsVersionOneMessagesAndAcksThem() throws Exception {
    SendResult result = sendOneBatch(false);
    assertInstanceOf(SendResult.Acked.class, result, result.toString());
    assertEquals(java.util.Optional.empty(), received.get(0).span());
    assertEquals(LINES, received.get(0).payload().toString());
  }

  private static final String LINES = "cpu v=1 1\ncpu v=2 2\n";
  private static final BatchSpan SPAN = new BatchSpan(BatchSpan.LIVE, "2049.131075.1f2e3d4c", 0, LINES.length(), true);

  private SendResult sendOneBatch(boolean answersVersionTwo) throws Exception {
    HttpServer server = vertx.createHttpServer().requestHandler(req -> {
      asked.add(String.valueOf(req.getHeader(StreamProtocol.HEADER_STREAM_VERSION)));
      if (answersVersionTwo) {
        req.response().putHeader(StreamProtocol.HEADER_STREAM_VERSION, "2");
      }
      req.toWebSocket().onSuccess(ws -> ws.binaryMessageHandler(message -> {
        int flags = message.getByte(1);
        if (!answersVersionTwo && (flags & ~StreamProtocol.FLAG_GZIP) != 0) {
          // what a server before version 2 answers to a flag it does not know
          ws.writeTextMessage(StreamProtocol.nack(message.getLong(2), 400, "unknown flags " + flags,
              java.util.Optional.empty()).encode());
          return;
        }
        StreamProtocol.BatchFrame frame = StreamProtocol.decodeBatch(message);
        received.add(frame);
        ws.writeTextMessage(StreamProtocol.ack(new BatchReply(frame.seq(), frame.lines(), List.of())).encode());
      }));
    });
    int port = server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
        .actualPort();
    JsonObject root = new JsonObject().put("servers", new JsonArray().add("http://127.0.0.1:" + port))
        .put("transport", new JsonObject().put("compression", "none"));
    ConfigReader r = ConfigReader.root(root, "client.json", "client", Map.of());
    TransportConfig config = TransportConfig.from(r, r.section("transport"));
    WebSocketClient wsClient = vertx.createWebSocketClient();
    WebSocketBatchSender sender = new WebSocketBatchSender(vertx, wsClient, "edge-1",
        new InfluxTarget(new Credentials.Basic("edge", "pw"), "telegraf", "", Precision.NS), config, () -> { });
    Batch batch = new Batch(1, Buffer.buffer(LINES), 2, new SpoolPosition(0), new SpoolPosition(LINES.length()),
        Progress.NONE, SPAN);
    CompletableFuture<SendResult> result = new CompletableFuture<>();
    vertx.getOrCreateContext().runOnContext(v -> sender.send(URI.create("http://127.0.0.1:" + port), batch)
        .onComplete(ar -> {
          if (ar.succeeded()) {
            result.complete(ar.result());
          } else {
            result.completeExceptionally(ar.cause());
          }
        }));
    return result.get(30, TimeUnit.SECONDS);
  }
}
