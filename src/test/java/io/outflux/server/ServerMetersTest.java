package io.outflux.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.outflux.config.ConfigReader;
import io.outflux.metrics.Metrics;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerMetersTest {

  @Test
  void twoServersInOneJvmAreCountedApartAndTheirFrontsShareOneSet() throws Exception {
    Vertx one = Vertx.vertx();
    Vertx two = Vertx.vertx();
    try {
      ServerMeters a = ServerMeters.of(one, front(18761));
      ServerMeters b = ServerMeters.of(two, front(18762));
      assertSame(a, ServerMeters.of(one, front(18761)), "every front instance of a deployment shares its meters");
      assertNotSame(a, b);
      a.linesWritten.increment(7);
      b.linesWritten.increment(2);
      assertEquals(7, Metrics.registry().get("outflux_server_lines_written")
          .tag(ServerMeters.SERVER_TAG, "127.0.0.1:18761").counter().count());
      assertEquals(2, Metrics.registry().get("outflux_server_lines_written")
          .tag(ServerMeters.SERVER_TAG, "127.0.0.1:18762").counter().count());
    } finally {
      one.close().toCompletionStage().toCompletableFuture().get();
      two.close().toCompletionStage().toCompletableFuture().get();
    }
  }

  private static FrontConfig front(int port) {
    ConfigReader root = ConfigReader.root(new JsonObject().put("http",
        new JsonObject().put("host", "127.0.0.1").put("port", port)), "test", "server", Map.of());
    return FrontConfig.from(root.section("http"), root.section("auth"));
  }
}
