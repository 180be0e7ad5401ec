package io.outflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.demo.ChildJvm;
import io.outflux.server.ServerVerticle;
import io.outflux.testing.Await;
import io.outflux.testing.RecordingProxy;
import io.outflux.testing.RecordingProxy.Request;
import io.outflux.testing.ThrottlingProxy;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backlog through a slow link (issue 14): 100,000 Telegraf-like lines (about 15 MB) behind a
 * 200 KB/s loopback link, a client JVM with the default settings. Everything arrives, no batch is
 * sent twice (the server side records every batch), and the log says "slow link", never "cannot reach".
 */
@Tag("slow")
class SlowLinkIT extends CentralTestBase {

  private static final Path JAR = Path.of(System.getProperty("outflux.jar", "target/outflux.jar"));

  @Test
  void aBacklogGetsThroughA200KBsLinkWithoutResendingABatch(Vertx vertx, @TempDir Path dir) throws Exception {
    Edge edge = new Edge(central, "slow_link", dir);
    ServerVerticle server = Edge.deployServer(vertx, central, 0);
    try (RecordingProxy recording = RecordingProxy.start(vertx, server.actualPort());
         ThrottlingProxy link = ThrottlingProxy.start(vertx, recording.port(), 200_000)) {
      edge.append(100_000);
      JsonObject config = edge.clientConfig("interval", link.port());
      config.put("transport", new JsonObject()); // the defaults: no fast test retries
      Path conf = Files.writeString(dir.resolve("client.json"), config.encodePrettily());
      Path log = dir.resolve("client.log");
      long start = System.nanoTime();
      try (ChildJvm client = ChildJvm.start("client", JAR, log, "client", "-conf", conf.toString())) {
        assertEquals(100_000, Await.value(edge::count, 100_000, Duration.ofSeconds(300)), Files.readString(log));
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      long bytes = Files.size(edge.spool);
      System.out.printf("slow link: %,d bytes in %.1f s = %.0f KB/s of line protocol over a 200 KB/s link%n",
          bytes, seconds, bytes / seconds / 1000);
      List<Request> batches = recording.requests();
      Set<Long> seqs = batches.stream().map(Request::seq).collect(Collectors.toSet());
      assertEquals(seqs.size(), batches.size(), "no batch sent twice");
      assertTrue(batches.stream().allMatch(r -> r.status() == 200), "every batch stored at its first attempt");
      String text = Files.readString(log);
      assertTrue(text.contains("slow link"), text);
      assertFalse(text.contains("cannot reach"), text);
    }
  }
}
