package io.outflux.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.batch.Batch;
import io.outflux.batch.Progress;
import io.outflux.config.ConfigException;
import io.outflux.config.ConfigReader;
import io.outflux.lineprotocol.Precision;
import io.outflux.protocol.BatchReply;
import io.outflux.protocol.Credentials;
import io.outflux.spool.FileId;
import io.outflux.spool.SpoolPosition;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** transport.compression: the config, the zstd body, and the fallback to gzip for a server older than zstd. */
class CompressionTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static TransportConfig parse(JsonObject transport) {
    JsonObject root = new JsonObject().put("servers", new JsonArray().add("http://127.0.0.1:1"))
        .put("transport", transport);
    ConfigReader r = ConfigReader.root(root, "client.json", "client", Map.of());
    return TransportConfig.from(r, r.section("transport"));
  }

  @Test
  void compressionIsConfiguredByNameAndGzipTrueStillMeansGzip() {
    assertEquals(TransportConfig.DEFAULT_COMPRESSION, parse(new JsonObject()).compression());
    assertEquals(Compression.ZSTD, parse(new JsonObject().put("compression", "zstd")).compression());
    assertTrue(parse(new JsonObject().put("compression", "zstd")).gzip(), "streams compress with gzip for zstd too");
    assertEquals(Compression.GZIP, parse(new JsonObject().put("gzip", true)).compression());
    assertFalse(parse(new JsonObject().put("compression", "none")).gzip());
    ConfigException e = assertThrows(ConfigException.class,
        () -> parse(new JsonObject().put("gzip", true).put("compression", "none")));
    assertTrue(e.getMessage().contains("gzip"), e.getMessage());
    assertThrows(ConfigException.class, () -> parse(new JsonObject().put("compression", "brotli")));
  }

  @Test
  void aZstdBodyRoundTripsAndIsSmallerThanGzip() throws Exception {
    Buffer lines = lines(2_000);
    Buffer zst = Zstd.compress(lines);
    Buffer gz = Gzip.compress(lines);
    byte[] back = new com.github.luben.zstd.ZstdInputStream(new ByteArrayInputStream(zst.getBytes())).readAllBytes();
    assertEquals(lines, Buffer.buffer(back));
    assertTrue(zst.length() < gz.length(), "zstd " + zst.length() + " bytes, gzip " + gz.length());
  }

  /**
   * A server older than zstd answers 415 to a zstd body: the sender resends the same batch in gzip,
   * it is acknowledged, and that server gets gzip from then on (no second 415).
   */
  @Test
  void aServerThatRefusesZstdGetsTheSameBatchInGzipAndGzipFromThenOn() throws Exception {
    List<String> encodings = new CopyOnWriteArrayList<>();
    HttpServer old = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      String enc = String.valueOf(req.getHeader("Content-Encoding"));
      encodings.add(enc);
      if (enc.equals("zstd")) {
        req.response().setStatusCode(415).end(new JsonObject().put("error", "Content-Encoding zstd is not supported")
            .encode());
        return;
      }
      long seq = Long.parseLong(req.getHeader("Outflux-Seq"));
      req.response().putHeader("Content-Type", "application/json")
          .end(new BatchReply(seq, 2, List.of()).toJson().encode());
    }));
    int port = old.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
    URI server = URI.create("http://127.0.0.1:" + port);
    HttpBatchSender sender = new HttpBatchSender(vertx, vertx.createHttpClient(), vertx.createHttpClient(), "site",
        new InfluxTarget(new Credentials.Basic("edge", "pw"), "telegraf", "", Precision.NS), Duration.ofSeconds(5),
        Duration.ofSeconds(4), Compression.ZSTD);
    assertEquals(Compression.ZSTD, sender.encodingFor(server));
    SendResult first = sender.send(server, batch(1)).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertInstanceOf(SendResult.Acked.class, first);
    assertEquals(List.of("zstd", "gzip"), encodings);
    assertEquals(Compression.GZIP, sender.encodingFor(server));
    SendResult second = sender.send(server, batch(2)).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertInstanceOf(SendResult.Acked.class, second);
    assertEquals(List.of("zstd", "gzip", "gzip"), encodings);
  }

  private static Batch batch(long seq) {
    SpoolPosition at = new SpoolPosition(new FileId(1, 1), "metrics.lp", 0, "");
    return new Batch(seq, lines(2), 2, at, at, Progress.NONE);
  }

  private static Buffer lines(int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append("cpu,host=a,cpu=cpu").append(i % 4).append(" usage_user=").append(i * 0.37).append(' ')
          .append(1_700_000_000_000_000_000L + i).append('\n');
    }
    return Buffer.buffer(sb.toString().getBytes(StandardCharsets.UTF_8));
  }
}
