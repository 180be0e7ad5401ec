package io.outflux.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.demo.ChildJvm;
import io.outflux.demo.TelegrafLikeLines;
import io.outflux.influxd.FreePorts;
import io.outflux.influxd.Privilege;
import io.outflux.protocol.DictionaryProtocol;
import io.outflux.testing.Await;
import io.outflux.testing.CentralInflux;
import io.outflux.testing.ServerNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * zstd with a dictionary trained on the site's lines, end to end with real parts: a central influxd
 * with auth, a server JVM ({@code -cluster}: the dictionaries are in the cluster's map) and a client
 * JVM with {@code transport.compression: zstd}, syncing small batches (where the dictionary pays),
 * over HTTP and over a stream.
 * The client trains its dictionary on the lines it sent, offers it, and the server decodes with it;
 * then the server is restarted (the cluster, and with it the dictionary, is gone): the client offers
 * it again and resends, every point arrives, and the restarted server wrote each line once (its
 * written-lines counter). Last, 30 concurrent uploads of one attacker's client id leave 2 usable.
 */
class ZstdDictionaryIT {

  @RegisterExtension
  static final CentralInflux central = CentralInflux.perTestClass();
  private static final HttpClient http = HttpClient.newHttpClient();

  @ParameterizedTest(name = "sync.rule {0}")
  @ValueSource(strings = {"interval", "streaming"})
  void aServerRestartLosesTheDictionaryTheClientOffersItAgainAndEveryPointArrivesOnce(String rule, @TempDir Path dir)
      throws Exception {
    String db = "zdict_" + rule;
    boolean streaming = rule.equals("streaming");
    central.influxd.createDatabase(db);
    central.influxd.grant(Privilege.WRITE, db, CentralInflux.WRITER);
    int port = FreePorts.next();
    ServerNode.Cluster cluster = ServerNode.Cluster.of(1);
    Path spool = dir.resolve("metrics.lp");
    Path clientConf = Files.writeString(dir.resolve("client.json"), new JsonObject()
        .put("clientId", "edge-zdict")
        .put("servers", new JsonArray().add("http://127.0.0.1:" + port))
        .put("influx", new JsonObject().put("username", CentralInflux.WRITER)
            .put("password", CentralInflux.WRITER_PASSWORD).put("database", db))
        .put("spool", new JsonObject().put("path", spool.toString()).put("pollInterval", "20ms"))
        .put("sync", new JsonObject().put("rule", rule).put("interval", "100ms").put("maxBatchLines", 100))
        .put("transport", new JsonObject().put("compression", "zstd").put("retryInitialDelay", "100ms")
            .put("retryMaxDelay", "500ms"))
        .encodePrettily());
    TelegrafLikeLines site = new TelegrafLikeLines("edge-zdict", 1_700_000_000_000_000_000L);
    ChildJvm server = startServer(port, cluster, dir, 0);
    ChildJvm client = ChildJvm.start("client", ServerNode.jar(), dir.resolve("client.log"), "client", "-conf",
        clientConf.toString());
    try {
      // 3 MiB of lines in 100-line batches: plain zstd until 2 MiB were sent, then trained, offered, used
      int first = 20_000;
      append(spool, site, 0, first);
      assertEquals(first, Await.value(() -> countAll(db), first, Duration.ofMinutes(3)), "every point");
      // the dictionary is offered with the next batch after its training (a client offers when it sends)
      append(spool, site, first, first + 2_000);
      client.awaitLog("took zstd dictionary", Duration.ofSeconds(60));
      // lines after the offer go with the dictionary
      append(spool, site, first + 2_000, first + 4_000);
      if (streaming) {
        // the stream agreed zstd at the upgrade and the dictionary on the open stream
        client.awaitLog("with zstd dictionary", Duration.ofSeconds(60));
      }
      first += 4_000;
      int sent = first;
      assertEquals(first, Await.value(() -> countAll(db), sent, Duration.ofMinutes(1)));
      assertEquals(first, linesWritten(port), "the first server wrote each line once");
      assertTrue(Files.exists(Path.of(spool + ".checkpoint.zdict")), "the dictionary is kept in the state directory");

      // the server restarts: a new cluster, the dictionary is unknown there
      server.close();
      server = startServer(port, cluster, dir, 1);
      int second = 10_000;
      append(spool, site, first, first + second);
      int total = first + second;
      assertEquals(total, Await.value(() -> countAll(db), total, Duration.ofMinutes(2)), "every point after the restart");
      assertEquals(second, linesWritten(port), "the restarted server wrote each line once, none twice");
      String log = Files.readString(dir.resolve("client.log"));
      assertTrue(log.contains("does not hold zstd dictionary"), "the restarted server said it lost the dictionary");
      assertEquals(2, count(log, "took zstd dictionary"), "offered again to the restarted server:\n" + log);
      assertTrue(count(log, "zstd dictionary .* trained on") == 1, "trained once");
      if (streaming) {
        assertTrue(count(log, "streaming to .* with zstd dictionary") >= 2, "the new stream uses it again:\n" + log);
      }

      // attackers with valid credentials: 30 concurrent uploads under one client id leave its 2 newest
      List<byte[]> dictionaries = new ArrayList<>();
      List<CompletableFuture<HttpResponse<String>>> uploads = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        byte[] d = new byte[8192];
        new Random(i).nextBytes(d);
        dictionaries.add(d);
        uploads.add(http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + DictionaryProtocol.PATH
                + "/" + DictionaryProtocol.idOf(d) + "?db=" + db))
            .header("Authorization", basic()).header("Outflux-Client-Id", "attacker-" + rule)
            .PUT(HttpRequest.BodyPublishers.ofByteArray(d)).build(), HttpResponse.BodyHandlers.ofString()));
      }
      for (CompletableFuture<HttpResponse<String>> u : uploads) {
        assertEquals(204, u.get().statusCode(), u.get().body());
      }
      int usable = 0;
      for (int i = 0; i < dictionaries.size(); i++) {
        byte[] line = ("attack,n=" + i + " v=1i " + (1_800_000_000_000_000_000L + i) + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] body = com.github.luben.zstd.Zstd.compress(line,
            new com.github.luben.zstd.ZstdDictCompress(dictionaries.get(i), 1));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/api/v1/batches?db=" + db))
            .header("Authorization", basic()).header("Outflux-Client-Id", "attacker-" + rule).header("Outflux-Seq", "" + (i + 1))
            .header("Content-Encoding", DictionaryProtocol.CONTENT_ENCODING)
            .header(DictionaryProtocol.HEADER_DICTIONARY, DictionaryProtocol.idOf(dictionaries.get(i)))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          usable++;
        } else {
          assertEquals(DictionaryProtocol.STATUS_UNKNOWN, r.statusCode(), r.body());
          assertTrue(r.headers().firstValue(DictionaryProtocol.HEADER_UNKNOWN).isPresent());
        }
      }
      assertEquals(2, usable, "the cluster holds the attacker's 2 newest dictionaries, no more");
      assertEquals(2, central.influxd.count(db, "attack"), "the 2 batches decoded with them were written");
      // the site's own dictionary is untouched: more lines go with it, no new offer
      append(spool, site, total, total + 1_000);
      assertEquals(total + 1_000, Await.value(() -> countAll(db), total + 1_000, Duration.ofMinutes(1)));
      assertEquals(2, count(Files.readString(dir.resolve("client.log")), "took zstd dictionary"));
    } finally {
      client.close();
      server.close();
    }
  }

  private static ChildJvm startServer(int port, ServerNode.Cluster cluster, Path dir, int n) throws Exception {
    Path conf = Files.writeString(dir.resolve("server-" + n + ".json"), "{\"http\":{\"host\":\"127.0.0.1\",\"port\":"
        + port + "},\"influx\":{\"url\":\"" + central.influxd.url() + "\",\"timeout\":\"5s\"}}");
    ChildJvm server = ChildJvm.start("server-" + n, ServerNode.jar(), dir.resolve("server-" + n + ".log"),
        List.of("-Xmx256m", "-Dvertx.hazelcast.config=" + cluster.xmlForGuest(cluster.memberPorts().get(0), dir)),
        "server", "-cluster", "-cluster-host", "127.0.0.1", "-conf", conf.toString());
    server.awaitHttp("http://127.0.0.1:" + port + "/health", Duration.ofSeconds(60));
    return server;
  }

  private static void append(Path spool, TelegrafLikeLines site, long from, long to) throws IOException {
    for (long i = from; i < to; i += 1_000) {
      Files.write(spool, site.block(i, Math.min(to, i + 1_000)), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
  }

  private static String basic() {
    return "Basic " + Base64.getEncoder().encodeToString((CentralInflux.WRITER + ":" + CentralInflux.WRITER_PASSWORD)
        .getBytes(StandardCharsets.UTF_8));
  }

  /** The server JVM's outflux_server_lines_written (from its /metrics). */
  private static long linesWritten(int port) throws Exception {
    String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    double sum = 0;
    Matcher m = Pattern.compile("(?m)^outflux_server_lines_written_total\\{[^}]*} ([0-9.eE+]+)$").matcher(metrics);
    while (m.find()) {
      sum += Double.parseDouble(m.group(1));
    }
    return (long) sum;
  }

  private static int count(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  private static long countAll(String db) {
    long sum = 0;
    for (String[] m : TelegrafLikeLines.MEASUREMENTS) {
      sum += central.influxd.count(db, m[0]);
    }
    return sum;
  }
}
