package io.outflux.server;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.batch.Batch;
import io.outflux.batch.Progress;
import io.outflux.lineprotocol.Precision;
import io.outflux.protocol.BatchReply;
import io.outflux.protocol.Credentials;
import io.outflux.protocol.WireProtocol;
import io.outflux.spool.FileId;
import io.outflux.spool.SpoolPosition;
import io.outflux.testing.ThrottlingProxy;
import io.outflux.transport.Compression;
import io.outflux.transport.HttpBatchSender;
import io.outflux.transport.InfluxTarget;
import io.outflux.transport.SendResult;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The server's interim answers over a real slow link (a throttling proxy on loopback): the client's
 * kernel and the link take most of an 800 KB body at once, so the client has "sent" it all long
 * before the server has it. The server's 100 Continue each second the body moved tells the client
 * it is still arriving: with an answer timeout of 2 s the batch is acknowledged after the 8 s the
 * link needs, not given up 2 s after the kernel took the last byte.
 */
class InterimProgressTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aBodyStillOnTheLinkIsWaitedForThroughTheServersInterimAnswers() throws Exception {
    HttpServer server = vertx.createHttpServer().requestHandler(new SlowRequestGuard(vertx, 60_000, 512, req -> {
      if (req.path().equals(WireProtocol.HEALTH_PATH)) {
        req.response().end("{\"status\":\"UP\"}");
        return;
      }
      long seq = Long.parseLong(req.getHeader(WireProtocol.HEADER_SEQ));
      req.body().onSuccess(body -> req.response().putHeader("Content-Type", "application/json")
          .end(new BatchReply(seq, 1, List.of()).toJson().encode()));
    }));
    int port = server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
        .actualPort();
    try (ThrottlingProxy link = ThrottlingProxy.start(vertx, port, 100_000)) {
      HttpBatchSender sender = new HttpBatchSender(vertx,
          vertx.createHttpClient(new HttpClientOptions().setSendBufferSize(256 * 1024)), vertx.createHttpClient(),
          "site", new InfluxTarget(new Credentials.Basic("edge", "pw"), "telegraf", "", Precision.NS),
          Duration.ofSeconds(2), Duration.ofSeconds(2), Compression.NONE);
      Buffer payload = Buffer.buffer("x".repeat(800_000));
      SpoolPosition at = new SpoolPosition(new FileId(1, 1), "metrics.lp", 0, "");
      long start = System.nanoTime();
      SendResult result = sender.send(URI.create("http://127.0.0.1:" + link.port()),
          new Batch(1, payload, 1, at, at, Progress.NONE)).toCompletionStage().toCompletableFuture()
          .get(120, TimeUnit.SECONDS);
      double seconds = (System.nanoTime() - start) / 1e9;
      assertInstanceOf(SendResult.Acked.class, result, result.toString());
      assertTrue(seconds >= 6, "the body took the link's time: " + seconds + " s");
    }
  }
}
