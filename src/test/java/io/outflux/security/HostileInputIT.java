package io.outflux.security;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.influxd.Privilege;
import io.outflux.testing.CentralInflux;
import io.outflux.testing.ServerFixture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Hostile and broken input against a running server: each is answered with a clear 4xx or a closed
 * connection, never a crash, and afterwards the server still takes a good client's batch.
 */
@ExtendWith(VertxExtension.class)
class HostileInputIT {

  private static final String DB = "hostile";
  @RegisterExtension
  static final CentralInflux central = CentralInflux.perTestClass();
  private HttpClient http = HttpClient.newHttpClient();
  private int port;
  private int goodBatches;

  @BeforeAll
  static void start() {
    central.influxd.createDatabase(DB);
    central.influxd.grant(Privilege.WRITE, DB, CentralInflux.WRITER);
  }

  @BeforeEach
  void server(Vertx vertx) throws Exception {
    port = ServerFixture.deploy(vertx, central.influxd.url(), new JsonObject()
        .put("maxBodySize", "1MiB").put("maxLineSize", "64KiB").put("bodyTimeout", "1s").put("idleTimeout", "2s").put("maxConnections", 200));
  }

  /**
   * After each attack: a good batch is still stored, once the server has noticed the attacker's connections
   * are gone (a connection it refuses at the cap fails before any byte is sent, so retrying writes nothing twice).
   */
  private void goodClientStillServed() throws Exception {
    goodBatches++;
    String line = "good v=" + goodBatches + " " + goodBatches + "\n";
    HttpResponse<String> r = await("a good client served").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
        .ignoreExceptionsInstanceOf(IOException.class).until(() -> {
          http = HttpClient.newHttpClient(); // a new connection: the attack may have got its own closed
          return post(line, "text/plain", null);
        }, response -> true);
    assertEquals(200, r.statusCode(), r.body());
    assertEquals(goodBatches, central.count(DB, "good"), "every good batch so far is stored");
    assertEquals(204, central.influxd.anonymousClient().ping(), "influxd is up");
  }

  @Test
  void gzipBombIsCutOffAtTheBodyLimit() throws Exception {
    ByteArrayOutputStream compressed = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(compressed)) {
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 256; i++) {
        gz.write(zeros); // 256 MiB inflated, a few hundred KiB on the wire
      }
    }
    assertTrue(compressed.size() < 1 << 20);
    HttpResponse<String> r = post(compressed.toByteArray(), "text/plain", "gzip");
    assertEquals(413, r.statusCode(), r.body());
    goodClientStillServed();
  }

  @Test
  void badGzipIsRefused() throws Exception {
    HttpResponse<String> r = post("bad_gzip v=1 1\n".getBytes(StandardCharsets.UTF_8), "text/plain", "gzip");
    assertEquals(400, r.statusCode(), r.body());
    assertTrue(r.body().contains("not valid gzip"), r.body());
    assertEquals(415, post("brotli v=1 1\n".getBytes(StandardCharsets.UTF_8), "text/plain", "br").statusCode());
    assertEquals(0, central.count(DB, "bad_gzip"));
    goodClientStillServed();
  }

  @Test
  void oversizedBodyIs413AndOversizedLineIsRefusedAlone() throws Exception {
    assertEquals(413, post("x".repeat(2 << 20), "text/plain", null).statusCode());
    String longLine = "big v=\"" + "y".repeat(100_000) + "\" 1";
    HttpResponse<String> r = post("ok_line v=1 1\n" + longLine + "\nok_line v=2 2\n", "text/plain", null);
    assertEquals(200, r.statusCode(), r.body());
    assertEquals(1, new JsonObject(r.body()).getJsonArray("rejected").size());
    assertEquals(2, central.count(DB, "ok_line"));
    goodClientStillServed();
  }

  @Test
  void invalidUtf8NulBytesAndWrongContentTypeAreRejectedPerLine() throws Exception {
    byte[] body = concat("mixed v=1 1\n".getBytes(StandardCharsets.UTF_8),
        new byte[] {'m', 'i', 'x', 'e', 'd', ' ', 'v', '=', '"', (byte) 0xFF, (byte) 0xFE, '"', ' ', '2', '\n'},
        new byte[] {'m', 'i', 'x', 0, 'e', 'd', ' ', 'v', '=', '3', ' ', '3', '\n'},
        "mixed v=4 4\n".getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> r = post(body, "application/json", null);
    assertEquals(200, r.statusCode(), r.body());
    assertEquals(2, new JsonObject(r.body()).getJsonArray("rejected").size(), r.body());
    assertEquals(2, central.count(DB, "mixed"));
    goodClientStillServed();
  }

  @Test
  void unknownDatabaseIsAClear404() throws Exception {
    HttpResponse<String> r = http.send(request("/api/v1/batches?db=no_such_db", "text/plain", null)
        .POST(HttpRequest.BodyPublishers.ofString("x v=1 1\n")).build(), HttpResponse.BodyHandlers.ofString());
    assertTrue(r.statusCode() == 404 || r.statusCode() == 403, r.statusCode() + " " + r.body());
    assertTrue(r.body().contains("no_such_db") || r.body().contains("not authorized"), r.body());
    goodClientStillServed();
  }

  @Test
  void garbageTruncatedAndSlowRequestsDoNotHurtTheServer() throws Exception {
    // random bytes instead of HTTP
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(5000);
      s.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0, (byte) 0xFF, 'G', 'E', 0, '\r', '\n', '\r', '\n'});
      s.getOutputStream().flush();
      readAll(s.getInputStream());
    }
    // a body that promises more than it sends, then the client goes away
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.getOutputStream().write(("POST /api/v1/batches?db=" + DB + " HTTP/1.1\r\nHost: x\r\nAuthorization: " + basic()
          + "\r\nContent-Length: 5000\r\n\r\ntrunc v=1 1\n").getBytes(StandardCharsets.UTF_8));
      s.getOutputStream().flush();
    }
    // one byte at a time, slower than http.bodyTimeout (1s) allows
    long start = System.nanoTime();
    String answer;
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(("POST /api/v1/batches?db=" + DB + " HTTP/1.1\r\nHost: x\r\nAuthorization: " + basic()
          + "\r\nContent-Length: 100\r\n\r\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      try {
        for (int i = 0; i < 30; i++) {
          out.write('s');
          out.flush();
          Thread.sleep(200); // the attack itself: a byte every 200 ms, slower than the body timeout allows
        }
      } catch (IOException closedByServer) {
        // expected: the server gave up on us
      }
      answer = readAll(s.getInputStream());
    }
    assertTrue(answer.startsWith("HTTP/1.1 408"), answer);
    assertTrue((System.nanoTime() - start) / 1_000_000 < 6_000, "dropped well before the body could complete");
    assertEquals(0, central.count(DB, "trunc"), "a truncated body is never written");
    goodClientStillServed();
  }

  @Test
  void connectionsBeyondTheCapAreClosedAtOnce(Vertx vertx) throws Exception {
    // idle connections are closed after a minute here, not 2 s: a closed connection 201 can only be the cap
    port = ServerFixture.deploy(vertx, central.influxd.url(), new JsonObject().put("maxConnections", 200)
        .put("idleTimeout", "60s"));
    List<Socket> held = new ArrayList<>();
    try {
      for (int i = 0; i < 200; i++) {
        held.add(new Socket("127.0.0.1", port));
      }
      // the server may still be taking the 200 when a probe arrives: a probe it keeps is not yet 201
      await("connection 201 closed by the server").atMost(Duration.ofSeconds(30)).until(this::probeIsClosedAtOnce);
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
    goodClientStillServed();
  }

  /** A new connection that the server closes within a second, before any byte is sent (the idle timeout is longer). */
  private boolean probeIsClosedAtOnce() throws IOException {
    try (Socket probe = new Socket("127.0.0.1", port)) {
      probe.setSoTimeout(1_000);
      return probe.getInputStream().read() == -1;
    } catch (SocketTimeoutException stillOpen) {
      return false;
    }
  }

  @Test
  void idleConnectionsAreClosedByTheServer() throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      long start = System.nanoTime();
      assertEquals(-1, s.getInputStream().read(), "the server closes a silent connection");
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertTrue(ms >= 1_500 && ms < 8_000, "closed after http.idleTimeout (2s), took " + ms + " ms");
    }
    goodClientStillServed();
  }

  @Test
  void thousandsOfAbandonedConnectionsAreShedAndTheServerRecovers() throws Exception {
    for (int round = 0; round < 10; round++) {
      List<Socket> sockets = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        sockets.add(new Socket("127.0.0.1", port)); // more than http.maxConnections (200)
      }
      for (Socket s : sockets) {
        s.close();
      }
    }
    // abandoned connections count until the server notices them: at the latest after http.idleTimeout (2s)
    goodClientStillServed();
  }

  private HttpResponse<String> post(String body, String contentType, String encoding) throws Exception {
    return post(body.getBytes(StandardCharsets.UTF_8), contentType, encoding);
  }

  private HttpResponse<String> post(byte[] body, String contentType, String encoding) throws Exception {
    return http.send(request("/api/v1/batches?db=" + DB, contentType, encoding)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest.Builder request(String path, String contentType, String encoding) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("Authorization", basic())
        .header("Content-Type", contentType)
        .header("Outflux-Client-Id", "hostile-it");
    if (encoding != null) {
      b.header("Content-Encoding", encoding);
    }
    return b;
  }

  private static String basic() {
    return "Basic " + Base64.getEncoder().encodeToString(
        (CentralInflux.WRITER + ":" + CentralInflux.WRITER_PASSWORD).getBytes(StandardCharsets.UTF_8));
  }

  private static String readAll(InputStream in) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[4096];
    try {
      for (int n; (n = in.read(buf)) > 0; ) {
        out.write(buf, 0, n);
      }
    } catch (IOException closed) {
      // a reset or timeout ends the answer
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
