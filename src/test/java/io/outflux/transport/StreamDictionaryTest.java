package io.outflux.transport;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.ZstdDictDecompress;
import io.outflux.batch.Batch;
import io.outflux.batch.Progress;
import io.outflux.config.ConfigReader;
import io.outflux.demo.TelegrafLikeLines;
import io.outflux.lineprotocol.Precision;
import io.outflux.protocol.BatchReply;
import io.outflux.protocol.Credentials;
import io.outflux.protocol.DictionaryProtocol;
import io.outflux.protocol.StreamProtocol;
import io.outflux.spool.FileId;
import io.outflux.spool.SpoolPosition;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntPredicate;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dictionary agreed on an open stream, against a real WebSocket server on loopback that answers the
 * offers ({@code PUT}) and the dictionary messages as the test says: a server that keeps saying it does not
 * hold the dictionary is not uploaded it again and again, and a re-offer that failed is made again later.
 * The client has a kept dictionary, so no training is needed.
 */
class StreamDictionaryTest {

  private final Vertx vertx = Vertx.vertx();
  private final Context context = vertx.getOrCreateContext();
  private final TelegrafLikeLines site = new TelegrafLikeLines("edge-stream", 1_700_000_000_000_000_000L);
  private final AtomicInteger puts = new AtomicInteger();
  private final AtomicInteger asks = new AtomicInteger();
  private final List<StreamProtocol.Payload> encodings = new CopyOnWriteArrayList<>();
  private final AtomicLong clock = new AtomicLong(System.currentTimeMillis());
  @TempDir
  Path dir;
  private byte[] dictionary;
  private URI uri;
  private long next;

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /**
   * @param putStatus the status of the n-th offer (from 1)
   * @param held whether the server holds the dictionary at the n-th dictionary message (from 1)
   */
  private WebSocketBatchSender sender(IntUnaryOperator putStatus, IntPredicate held) throws Exception {
    DictionaryTrainer trainer = new DictionaryTrainer(TransportConfig.DEFAULT_DICTIONARY_SIZE);
    for (long i = 0; !trainer.add(Buffer.buffer(site.block(i, i + 1_000))); i += 1_000) {
      next = i + 1_000;
    }
    dictionary = trainer.train().bytes();
    Path file = dir.resolve("metrics.lp.checkpoint.zdict");
    Files.write(file, dictionary);
    ZstdDictDecompress decoder = new ZstdDictDecompress(dictionary);
    HttpServer server = vertx.createHttpServer().requestHandler(req -> {
      if (req.path().startsWith(DictionaryProtocol.PATH)) {
        req.body().onSuccess(b -> req.response().setStatusCode(putStatus.applyAsInt(puts.incrementAndGet())).end());
        return;
      }
      io.outflux.protocol.StreamEncoding.answer(req.getHeader(StreamProtocol.HEADER_STREAM_ENCODING))
          .ifPresent(agreed -> req.response().putHeader(StreamProtocol.HEADER_STREAM_ENCODING, agreed));
      req.toWebSocket().onSuccess(ws -> {
        ws.textMessageHandler(text -> {
          JsonObject json = new JsonObject(text);
          if (StreamProtocol.TYPE_DICTIONARY.equals(json.getString(StreamProtocol.TYPE))) {
            ws.writeTextMessage(StreamProtocol.dictionaryAnswer(json.getString(StreamProtocol.DICTIONARY_ID),
                held.test(asks.incrementAndGet())).encode());
          }
        });
        ws.binaryMessageHandler(message -> {
          StreamProtocol.BatchFrame frame = StreamProtocol.decodeBatch(message);
          encodings.add(frame.encoding());
          try {
            com.github.luben.zstd.ZstdInputStream in = new com.github.luben.zstd.ZstdInputStream(
                new ByteArrayInputStream(frame.payload().getBytes()));
            if (frame.encoding() == StreamProtocol.Payload.ZSTD_DICTIONARY) {
              in.setDict(decoder);
            }
            in.readAllBytes();
          } catch (java.io.IOException e) {
            ws.writeTextMessage(StreamProtocol.nack(frame.seq(), 400, e.getMessage(), Optional.empty()).encode());
            return;
          }
          ws.writeTextMessage(StreamProtocol.ack(new BatchReply(frame.seq(), frame.lines(), List.of())).encode());
        });
      });
    });
    uri = URI.create("http://127.0.0.1:" + get(server.listen(0, "127.0.0.1")).actualPort());
    JsonObject root = new JsonObject().put("servers", new JsonArray().add(uri.toString()))
        .put("transport", new JsonObject().put("compression", "zstd"));
    ConfigReader r = ConfigReader.root(root, "client.json", "client", Map.of());
    TransportConfig config = TransportConfig.from(r, r.section("transport"));
    WebSocketBatchSender sender = new WebSocketBatchSender(vertx, vertx.createWebSocketClient(), "edge-stream",
        new InfluxTarget(new Credentials.Basic("edge", "pw"), "telegraf", "", Precision.NS), config, () -> { },
        vertx.createHttpClient(), Optional.of(file), clock::get);
    onContext(sender::start);
    return sender;
  }

  private SendResult send(WebSocketBatchSender sender, long seq) throws Exception {
    SpoolPosition at = new SpoolPosition(new FileId(1, 1), "metrics.lp", 0, "");
    Batch batch = new Batch(seq, Buffer.buffer(site.block(next, next + 10)), 10, at, at, Progress.NONE);
    next += 10;
    return onContext(() -> sender.send(uri, batch));
  }

  /** The sender is confined to one context, as on the transport's event loop. */
  private <T> T onContext(java.util.function.Supplier<io.vertx.core.Future<T>> call) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(v -> call.get().onComplete(ar -> {
      if (ar.succeeded()) {
        result.complete(ar.result());
      } else {
        result.completeExceptionally(ar.cause());
      }
    }));
    return result.get(30, TimeUnit.SECONDS);
  }

  /**
   * The server takes every offer and then says it does not hold the dictionary (a cluster map that keeps
   * evicting it): offered, offered again once, then plain zstd on this stream; every batch acked.
   */
  @Test
  void aServerThatKeepsLosingTheDictionaryIsNotUploadedItAgainAndAgain() throws Exception {
    WebSocketBatchSender sender = sender(n -> 204, n -> false);
    double reoffersBefore = io.outflux.client.ClientMeters.of("edge-stream").dictionaryReoffers.count();
    for (long seq = 1; seq <= 10; seq++) {
      assertInstanceOf(SendResult.Acked.class, send(sender, seq));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> asks.get() >= 2);
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> puts.get() == 2 && asks.get() == 2);
    for (long seq = 11; seq <= 15; seq++) {
      assertInstanceOf(SendResult.Acked.class, send(sender, seq));
    }
    assertEquals(2, puts.get(), "offered, and offered again once");
    assertEquals(1, sender.dictionaries().orElseThrow().reoffers());
    assertEquals(1.0, io.outflux.client.ClientMeters.of("edge-stream").dictionaryReoffers.count() - reoffersBefore,
        "counted in outflux_client_dictionary_reoffers");
    assertTrue(encodings.stream().allMatch(StreamProtocol.Payload.ZSTD::equals), encodings.toString());
  }

  /**
   * The server lost the dictionary and the re-offer failed (503): a later batch, after the offers' pause,
   * offers it again, and the stream then uses it.
   */
  @Test
  void aReofferThatFailedIsMadeAgainLaterOnTheSameStream() throws Exception {
    WebSocketBatchSender sender = sender(n -> n == 2 ? 503 : 204, n -> n > 1);
    assertInstanceOf(SendResult.Acked.class, send(sender, 1));
    await().atMost(Duration.ofSeconds(10)).until(() -> puts.get() == 2
        && sender.dictionaries().orElseThrow().state(uri).equals(Optional.of(ZstdDictionaries.Offered.FAILED)));
    assertInstanceOf(SendResult.Acked.class, send(sender, 2));
    assertEquals(2, puts.get(), "not offered again within 30 s");
    clock.addAndGet(ZstdDictionaries.REOFFER_AFTER.toMillis() + 1);
    assertInstanceOf(SendResult.Acked.class, send(sender, 3));
    await().atMost(Duration.ofSeconds(10)).until(() -> sender.streamDictionary().isPresent());
    assertEquals(3, puts.get());
    assertInstanceOf(SendResult.Acked.class, send(sender, 4));
    assertEquals(StreamProtocol.Payload.ZSTD_DICTIONARY, encodings.get(encodings.size() - 1));
  }

  private static <T> T get(io.vertx.core.Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
