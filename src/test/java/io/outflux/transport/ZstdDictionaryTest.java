package io.outflux.transport;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.ZstdDictDecompress;
import io.outflux.batch.Batch;
import io.outflux.batch.Progress;
import io.outflux.demo.TelegrafLikeLines;
import io.outflux.lineprotocol.Precision;
import io.outflux.protocol.BatchReply;
import io.outflux.protocol.Credentials;
import io.outflux.protocol.DictionaryProtocol;
import io.outflux.spool.FileId;
import io.outflux.spool.SpoolPosition;
import io.outflux.testing.LogCapture;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * zstd with a dictionary trained on the site's lines: trained once enough lines went out, kept in the
 * state file and read again after a restart, offered to the server, and offered again when the server
 * lost it (the batch resent with it, written once); a server without the endpoint gets plain zstd.
 */
class ZstdDictionaryTest {

  private final Vertx vertx = Vertx.vertx();
  private final TelegrafLikeLines site = new TelegrafLikeLines("edge-dict", 1_700_000_000_000_000_000L);
  private long next;

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** A server with the dictionary endpoint: keeps what it was offered until {@link #forget()}. */
  private final class DictServer {
    final Map<String, ZstdDictDecompress> held = new ConcurrentHashMap<>();
    final List<String> encodings = new CopyOnWriteArrayList<>();
    final Map<Long, AtomicInteger> writes = new ConcurrentHashMap<>();
    final Map<Long, Buffer> written = new ConcurrentHashMap<>();
    final AtomicInteger unknown = new AtomicInteger();
    final AtomicInteger offers = new AtomicInteger();
    final boolean endpoint;
    URI uri;

    DictServer(boolean endpoint) throws Exception {
      this.endpoint = endpoint;
      HttpServer server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> handle(req, body)));
      uri = URI.create("http://127.0.0.1:" + get(server.listen(0, "127.0.0.1")).actualPort());
    }

    void forget() {
      held.clear();
    }

    private void handle(HttpServerRequest req, Buffer body) {
      if (req.path().startsWith(DictionaryProtocol.PATH)) {
        offers.incrementAndGet();
        String id = req.path().substring(DictionaryProtocol.PATH.length() + 1);
        if (!endpoint) {
          req.response().setStatusCode(404).end();
        } else if (!DictionaryProtocol.idOf(body.getBytes()).equals(id)) {
          req.response().setStatusCode(400).end();
        } else {
          held.put(id, new ZstdDictDecompress(body.getBytes()));
          req.response().setStatusCode(204).end();
        }
        return;
      }
      String enc = String.valueOf(req.getHeader("Content-Encoding"));
      encodings.add(enc);
      long seq = Long.parseLong(req.getHeader("Outflux-Seq"));
      byte[] lines;
      try {
        if (enc.equals(DictionaryProtocol.CONTENT_ENCODING)) {
          ZstdDictDecompress d = held.get(req.getHeader(DictionaryProtocol.HEADER_DICTIONARY));
          if (d == null) {
            unknown.incrementAndGet();
            req.response().setStatusCode(409).putHeader(DictionaryProtocol.HEADER_UNKNOWN,
                req.getHeader(DictionaryProtocol.HEADER_DICTIONARY)).end();
            return;
          }
          lines = new com.github.luben.zstd.ZstdInputStream(new ByteArrayInputStream(body.getBytes())).setDict(d)
              .readAllBytes();
        } else {
          lines = new com.github.luben.zstd.ZstdInputStream(new ByteArrayInputStream(body.getBytes())).readAllBytes();
        }
      } catch (java.io.IOException e) {
        req.response().setStatusCode(400).end(new JsonObject().put("error", e.getMessage()).encode());
        return;
      }
      writes.computeIfAbsent(seq, k -> new AtomicInteger()).incrementAndGet();
      written.put(seq, Buffer.buffer(lines));
      req.response().putHeader("Content-Type", "application/json")
          .end(new BatchReply(seq, 1, List.of()).toJson().encode());
    }
  }

  private HttpBatchSender sender(Optional<Path> file) {
    return new HttpBatchSender(vertx, vertx.createHttpClient(), vertx.createHttpClient(), "edge-dict",
        new InfluxTarget(new Credentials.Basic("edge", "pw"), "telegraf", "", Precision.NS), Duration.ofSeconds(5),
        Duration.ofSeconds(4), Compression.ZSTD, TransportConfig.DEFAULT_DICTIONARY_SIZE, file);
  }

  private Batch batch(long seq, int lines) {
    SpoolPosition at = new SpoolPosition(new FileId(1, 1), "metrics.lp", 0, "");
    Buffer payload = Buffer.buffer(site.block(next, next + lines));
    next += lines;
    return new Batch(seq, payload, lines, at, at, Progress.NONE);
  }

  /**
   * Sends 1,000-line batches until the dictionary is trained (on a worker, while batches go as plain
   * zstd) and the server answered its offer; each batch decodes to its lines. The next seq.
   */
  private long untilOffered(HttpBatchSender sender, DictServer server) throws Exception {
    long seq = 0;
    ZstdDictionaries dictionaries = sender.dictionaries().orElseThrow();
    while (dictionaries.state(server.uri).filter(s -> s != ZstdDictionaries.Offered.OFFERING).isEmpty()) {
      Batch b = batch(++seq, 1_000);
      assertInstanceOf(SendResult.Acked.class, send(sender, server.uri, b));
      assertEquals(b.payload(), server.written.get(seq), "batch " + seq + " decodes to its lines");
      if (next * 150 > 2L * ZstdDictionaries.TRAIN_AFTER) {
        await().atMost(Duration.ofSeconds(20)).until(() -> dictionaries.current().isPresent());
      }
      assertTrue(seq < 100, "offered: " + dictionaries.state(server.uri));
    }
    return seq;
  }

  private SendResult send(HttpBatchSender sender, URI server, Batch batch) throws Exception {
    return get(sender.send(server, batch));
  }

  @Test
  void theDictionaryIsTrainedOnTheSitesLinesKeptUsedAndReadAgainAfterARestart(@TempDir Path dir) throws Exception {
    DictServer server = new DictServer(true);
    Path file = dir.resolve("metrics.lp.checkpoint.zdict");
    HttpBatchSender sender = sender(Optional.of(file));
    get(sender.start());
    // plain zstd until enough lines went out to train on, then the dictionary once the server took it
    long seq = untilOffered(sender, server);
    assertTrue(server.encodings.stream().allMatch("zstd"::equals), "plain zstd till the server took it");
    String id = sender.dictionaries().orElseThrow().current().orElseThrow().id();
    assertEquals(1, server.offers.get(), "offered once");
    await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(file));
    assertEquals(id, DictionaryProtocol.idOf(Files.readAllBytes(file)), "kept in the state file");
    // small batches: a stream or a slow site's interval, where the dictionary pays
    for (int i = 0; i < 20; i++) {
      Batch b = batch(++seq, 10);
      assertInstanceOf(SendResult.Acked.class, send(sender, server.uri, b));
      assertEquals(b.payload(), server.written.get(seq));
    }
    // a restarted client uses the kept version: no training, offered at once
    HttpBatchSender restarted = sender(Optional.of(file));
    get(restarted.start());
    assertEquals(id, restarted.dictionaries().orElseThrow().current().orElseThrow().id());
  }

  /**
   * The server lost the dictionary (restarted; a cluster's map evicted it): it answers the batch with
   * 409 and Outflux-Dictionary-Unknown before writing anything; the client offers it again and resends
   * the same batch with it: every batch written exactly once, none lost.
   */
  @Test
  void aServerThatLostTheDictionaryGetsItOfferedAgainAndTheBatchOnce() throws Exception {
    DictServer server = new DictServer(true);
    HttpBatchSender sender = sender(Optional.empty());
    long seq = untilOffered(sender, server);
    assertInstanceOf(SendResult.Acked.class, send(sender, server.uri, batch(++seq, 10)));
    assertEquals(DictionaryProtocol.CONTENT_ENCODING, server.encodings.get(server.encodings.size() - 1));
    server.forget();
    double reoffersBefore = io.outflux.client.ClientMeters.of("edge-dict").dictionaryReoffers.count();
    try (LogCapture log = new LogCapture(HttpBatchSender.class)) {
      for (int i = 0; i < 5; i++) {
        Batch b = batch(++seq, 10);
        assertInstanceOf(SendResult.Acked.class, send(sender, server.uri, b));
        assertEquals(b.payload(), server.written.get(seq), "batch " + seq + " written with its lines");
      }
      assertEquals(1, server.unknown.get(), "one batch found the dictionary unknown");
      assertEquals(2, server.offers.get(), "offered again once");
      assertEquals(1.0, io.outflux.client.ClientMeters.of("edge-dict").dictionaryReoffers.count() - reoffersBefore,
          "counted in outflux_client_dictionary_reoffers");
      assertTrue(log.messages().stream().anyMatch(m -> m.contains("does not hold zstd dictionary")), log.messages().toString());
    }
    server.writes.forEach((s, n) -> assertEquals(1, n.get(), "batch " + s + " written once"));
    assertEquals(seq, server.writes.size(), "every batch written");
    List<String> last = server.encodings.subList(server.encodings.size() - 5, server.encodings.size());
    assertTrue(last.stream().allMatch(DictionaryProtocol.CONTENT_ENCODING::equals), "with the dictionary again: " + last);
  }

  /** A server older than dictionaries (404 on the PUT): plain zstd, offered once, one log line. */
  @Test
  void aServerWithoutTheEndpointGetsPlainZstd() throws Exception {
    DictServer server = new DictServer(false);
    HttpBatchSender sender = sender(Optional.empty());
    try (LogCapture log = new LogCapture(ZstdDictionaries.class)) {
      long seq = untilOffered(sender, server);
      for (int i = 0; i < 5; i++) {
        Batch b = batch(++seq, 10);
        assertInstanceOf(SendResult.Acked.class, send(sender, server.uri, b));
        assertEquals(b.payload(), server.written.get(seq));
      }
      assertEquals(1, server.offers.get(), "offered once: " + server.offers.get());
      assertTrue(server.encodings.stream().allMatch("zstd"::equals), server.encodings.toString());
      assertEquals(1, log.messages().stream().filter(m -> m.contains("does not take zstd dictionaries")).count(),
          log.messages().toString());
    }
  }

  private static <T> T get(io.vertx.core.Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
