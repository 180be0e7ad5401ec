package io.outflux.bench;

import io.outflux.demo.ChildJvm;
import io.outflux.influxd.FreePorts;
import io.outflux.protocol.StreamProtocol;
import io.outflux.testing.CentralInflux;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Idle streaming clients on one server node (not a test; run by bench/idle-streams.sh): a real
 * influxd, an outflux server as its own JVM started from the jar, and N WebSocket streams opened
 * from this JVM (each with its own client id, as N sites would), kept idle. Prints the server's RSS
 * before and after. Target: 1,000 idle streams in under 512 MB.
 *
 * <p>Arguments: {@code --clients 1000}, {@code --hold 10} seconds, {@code --server-opts "-Xmx256m"}.
 */
public final class IdleStreamsBenchmark {

  public static void main(String[] args) throws Exception {
    int clients = 1000;
    int hold = 10;
    String serverOpts = "-Xmx256m";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--clients" -> clients = Integer.parseInt(args[++i]);
        case "--hold" -> hold = Integer.parseInt(args[++i]);
        case "--server-opts" -> serverOpts = args[++i];
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    Path jar = Path.of(System.getProperty("outflux.jar", "target/outflux.jar"));
    Path dir = Files.createTempDirectory("outflux-idle-streams");
    Vertx vertx = Vertx.vertx();
    try (CentralInflux central = CentralInflux.start()) {
      int port = FreePorts.next();
      Path conf = Files.writeString(dir.resolve("server.json"), new JsonObject()
          .put("http", new JsonObject().put("host", "127.0.0.1").put("port", port).put("maxStreams", clients + 100))
          .put("influx", new JsonObject().put("url", central.influxd.url())).encode());
      try (ChildJvm server = ChildJvm.start("server", jar, dir.resolve("server.log"), List.of(serverOpts.split(" ")),
          "server", "-conf", conf.toString())) {
        server.awaitHttp("http://127.0.0.1:" + port + "/health", Duration.ofSeconds(60));
        Thread.sleep(2000);
        long before = rssKb(server.pid());
        System.out.printf(Locale.ROOT, "server JVM (%s): RSS %d MB before any stream%n", serverOpts, before / 1024);

        WebSocketClient ws = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(clients + 10));
        String auth = "Basic " + Base64.getEncoder().encodeToString(
            (CentralInflux.WRITER + ":" + CentralInflux.WRITER_PASSWORD).getBytes(StandardCharsets.UTF_8));
        List<WebSocket> open = new ArrayList<>();
        long start = System.nanoTime();
        for (int batch = 0; batch < clients; batch += 50) {
          List<Future<WebSocket>> wave = new ArrayList<>();
          for (int i = batch; i < Math.min(clients, batch + 50); i++) {
            wave.add(ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
                .setURI(StreamProtocol.STREAM_PATH + "?db=" + CentralInflux.DB)
                .addHeader("Authorization", auth).addHeader("Outflux-Client-Id", "idle-" + i)));
          }
          for (Future<WebSocket> f : wave) {
            open.add(f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS));
          }
        }
        System.out.printf(Locale.ROOT, "%d streams open after %.1f s; holding them idle for %d s%n", open.size(),
            (System.nanoTime() - start) / 1e9, hold);
        long peak = 0;
        for (int s = 0; s < hold; s++) {
          Thread.sleep(1000);
          peak = Math.max(peak, rssKb(server.pid()));
        }
        long after = rssKb(server.pid());
        System.out.printf(Locale.ROOT, "server RSS with %d idle streams: %d MB (peak %d MB; %.1f KB per stream over the "
            + "idle baseline); target < 512 MB: %s%n", open.size(), after / 1024, peak / 1024,
            (after - before) / (double) open.size(), peak < 512 * 1024 ? "met" : "NOT met");
        ws.close();
      }
    } finally {
      vertx.close();
    }
  }

  private static long rssKb(long pid) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no VmRSS for pid " + pid);
  }
}
