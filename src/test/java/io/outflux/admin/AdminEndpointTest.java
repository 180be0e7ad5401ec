package io.outflux.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.client.ClientBus;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client's admin endpoint against what a web page can make a browser send: a request to
 * 127.0.0.1 with a foreign Host (DNS rebinding) or an Origin header, a plain cross-site POST without
 * the token. Raw sockets, since Java's HTTP client will not set Host.
 */
class AdminEndpointTest {

  private final Vertx vertx = Vertx.vertx();
  private final AtomicInteger flushes = new AtomicInteger();
  private int port;
  private Path tokenFile;

  @BeforeEach
  void start(@TempDir Path dir) throws Exception {
    tokenFile = AdminToken.pathFor(dir.resolve("metrics.lp.checkpoint"));
    vertx.eventBus().<Object>localConsumer(ClientBus.FLUSH, msg -> {
      flushes.incrementAndGet();
      msg.reply(new JsonObject().put("lines", 0));
    });
    AdminVerticle admin = new AdminVerticle(new AdminConfig(true, "127.0.0.1", 0), "edge-01", null, tokenFile);
    vertx.deployVerticle(admin).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    port = admin.actualPort();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void theTokenFileIsReadableByItsOwnerOnlyAndNewAtEveryStart() throws Exception {
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile)));
    String first = AdminToken.read(tokenFile);
    assertEquals(64, first.length());
    String second = AdminToken.create(tokenFile);
    assertFalse(first.equals(second));
  }

  @Test
  void aCrossSitePostWithoutTheTokenIsRefusedAndFlushesNothing() throws Exception {
    assertEquals(401, status("POST", "/flush?force=true", "127.0.0.1:" + port, null, null));
    assertEquals(401, status("POST", "/flush", "localhost", null, "wrong"));
    assertEquals(0, flushes.get());
    assertEquals(200, status("POST", "/flush", "127.0.0.1:" + port, null, AdminToken.read(tokenFile)));
    assertEquals(1, flushes.get());
  }

  @Test
  void aRequestFromAWebPageIsRefusedEvenWithTheToken() throws Exception {
    String token = AdminToken.read(tokenFile);
    assertEquals(403, status("POST", "/flush", "127.0.0.1:" + port, "http://evil.example", token));
    assertEquals(403, status("GET", "/status", "127.0.0.1:" + port, "null", null));
    // DNS rebinding: the page's own name resolves to 127.0.0.1, the browser sends that name as Host
    assertEquals(403, status("POST", "/flush", "evil.example:" + port, null, token));
    assertEquals(403, status("GET", "/health", "127.0.0.1.evil.example", null, null));
    assertTrue(status("GET", "/health", null, null, null) >= 400, "no Host at all (Vert.x answers 400 itself)");
    assertEquals(0, flushes.get());
  }

  @Test
  void localToolsAreServed() throws Exception {
    assertEquals(200, status("GET", "/health", "127.0.0.1:" + port, null, null));
    assertEquals(200, status("GET", "/health", "localhost:" + port, null, null));
    assertEquals(200, status("GET", "/health", "[::1]:" + port, null, null));
    // Java's HTTP client asks for an h2c upgrade: the host then comes as HTTP/2's :authority
    java.net.http.HttpResponse<String> viaJava = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/health")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(200, viaJava.statusCode(), viaJava.body());
    assertTrue(LocalOnly.isLoopbackHost("127.255.0.9"));
    assertFalse(LocalOnly.isLoopbackHost("127.0.0.1:80x"));
    assertFalse(LocalOnly.isLoopbackHost("10.0.0.1"));
  }

  private int status(String method, String path, String host, String origin, String token) throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      StringBuilder req = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
      if (host != null) {
        req.append("Host: ").append(host).append("\r\n");
      }
      if (origin != null) {
        req.append("Origin: ").append(origin).append("\r\n");
      }
      if (token != null) {
        req.append(AdminToken.HEADER).append(": ").append(token).append("\r\n");
      }
      req.append("Content-Length: 0\r\nConnection: close\r\n\r\n");
      OutputStream out = s.getOutputStream();
      out.write(req.toString().getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      return Integer.parseInt(response.substring(9, 12));
    }
  }
}
