package io.outflux.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.demo.TelegrafLikeLines;
import io.outflux.demo.TestCerts;
import io.outflux.server.ServerVerticle;
import io.outflux.influxd.Privilege;
import io.outflux.testing.Await;
import io.outflux.testing.CentralInflux;
import io.outflux.testing.ClientFixture;
import io.outflux.testing.LogCapture;
import io.outflux.testing.OpenSslHandshake;
import io.outflux.testing.ServerFixture;
import io.outflux.transport.TransportVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** TLS between client and server, with a client-certificate requirement, using certificates made here. */
@ExtendWith(VertxExtension.class)
class TlsIT {

  @RegisterExtension
  static final CentralInflux central = CentralInflux.perTestClass();
  private static TestCerts certs;

  @BeforeAll
  static void start(@TempDir Path certDir) throws Exception {
    certs = TestCerts.create(certDir);
    for (String db : new String[] {"tls_ok", "tls_nocert", "tls_wrongca", "tls_stream"}) {
      central.influxd.createDatabase(db);
      central.influxd.grant(Privilege.WRITE, db, CentralInflux.WRITER);
    }
  }

  private int tlsServer(Vertx vertx) throws Exception {
    return ServerFixture.deploy(vertx, central.influxd.url(), new JsonObject().put("tls", new JsonObject()
        .put("certFile", certs.serverCert().toString())
        .put("keyFile", certs.serverKey().toString())
        .put("clientCaFile", certs.caCert().toString())));
  }

  @AfterEach
  void stopClientsWhileTheirSpoolStillExists(Vertx vertx) throws Exception {
    ClientFixture.undeployAll(vertx);
  }

  @Test
  void clientWithTheRightCaAndCertificateSyncsOverTls(Vertx vertx, @TempDir Path dir) throws Exception {
    int port = tlsServer(vertx);
    Path spool = dir.resolve("metrics.lp");
    JsonObject config = ClientFixture.config("https://127.0.0.1:" + port, spool, "tls_ok", CentralInflux.WRITER,
        CentralInflux.WRITER_PASSWORD);
    config.getJsonObject("transport").put("tls", new JsonObject()
        .put("caFile", certs.caCert().toString())
        .put("certFile", certs.clientCert().toString())
        .put("keyFile", certs.clientKey().toString()));
    ClientFixture.deploy(vertx, config);
    Files.write(spool, new TelegrafLikeLines("tls", 1_700_000_000_000_000_000L).block(0, 300));
    long synced = Await.value(() -> central.count("tls_ok", "cpu") + central.count("tls_ok", "mem")
        + central.count("tls_ok", "disk"), 300, Duration.ofSeconds(30));
    assertEquals(300, synced);
  }

  @Test
  void streamingClientWithTheRightCaAndCertificateSyncsOverAWebSocketOnTls(Vertx vertx, @TempDir Path dir)
      throws Exception {
    int port = tlsServer(vertx);
    Path spool = dir.resolve("metrics.lp");
    JsonObject config = ClientFixture.config("https://127.0.0.1:" + port, spool, "tls_stream", CentralInflux.WRITER,
        CentralInflux.WRITER_PASSWORD);
    config.getJsonObject("sync").put("rule", "streaming");
    config.getJsonObject("transport").put("tls", new JsonObject()
        .put("caFile", certs.caCert().toString())
        .put("certFile", certs.clientCert().toString())
        .put("keyFile", certs.clientKey().toString()));
    String id = ClientFixture.deploy(vertx, config);
    Files.write(spool, new TelegrafLikeLines("tls", 1_700_000_000_000_000_000L).block(0, 300));
    long synced = Await.value(() -> central.count("tls_stream", "cpu") + central.count("tls_stream", "mem")
        + central.count("tls_stream", "disk"), 300, Duration.ofSeconds(30));
    assertEquals(300, synced);
    vertx.undeploy(id).toCompletionStage().toCompletableFuture().get(); // while the spool dir still exists
  }

  @Test
  void clientWithoutACertificateIsRefusedAndNothingIsWritten(Vertx vertx, @TempDir Path dir) throws Exception {
    int port = tlsServer(vertx);
    Path spool = dir.resolve("metrics.lp");
    try (LogCapture log = new LogCapture(TransportVerticle.class)) {
      JsonObject config = ClientFixture.config("https://127.0.0.1:" + port, spool, "tls_nocert", CentralInflux.WRITER,
          CentralInflux.WRITER_PASSWORD);
      config.getJsonObject("transport").put("tls", new JsonObject().put("caFile", certs.caCert().toString()));
      ClientFixture.deploy(vertx, config);
      Files.write(spool, new TelegrafLikeLines("tls", 1_700_000_000_000_000_000L).block(0, 30));
      assertEquals(1, Await.value(() -> log.messages().isEmpty() ? 0 : 1, 1, Duration.ofSeconds(20)),
          "the failed handshake is logged");
      assertTrue(log.messages().get(0).contains("cannot reach"), log.messages().get(0));
    }
    assertEquals(0, central.count("tls_nocert", "cpu"));
  }

  @Test
  void clientThatDoesNotTrustTheServersCaDoesNotSendAnything(Vertx vertx, @TempDir Path dir) throws Exception {
    int port = tlsServer(vertx);
    Path spool = dir.resolve("metrics.lp");
    try (LogCapture log = new LogCapture(TransportVerticle.class)) {
      JsonObject config = ClientFixture.config("https://127.0.0.1:" + port, spool, "tls_wrongca", CentralInflux.WRITER,
          CentralInflux.WRITER_PASSWORD);
      config.getJsonObject("transport").put("tls", new JsonObject()
          .put("caFile", certs.otherCaCert().toString())
          .put("certFile", certs.clientCert().toString())
          .put("keyFile", certs.clientKey().toString()));
      ClientFixture.deploy(vertx, config);
      Files.write(spool, new TelegrafLikeLines("tls", 1_700_000_000_000_000_000L).block(0, 30));
      assertEquals(1, Await.value(() -> log.messages().isEmpty() ? 0 : 1, 1, Duration.ofSeconds(20)));
      assertTrue(log.messages().get(0).contains("not trusted: set transport.tls.caFile"), log.messages().get(0));
    }
    assertEquals(0, central.count("tls_wrongca", "cpu"));
  }

  @Test
  void plainHttpToTheTlsPortGetsNoBatchThrough(Vertx vertx) throws Exception {
    int port = tlsServer(vertx);
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/batches?db=tls_ok"))
        .timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.ofString("x v=1 1\n")).build();
    assertThrows(java.io.IOException.class, () -> http.send(req, HttpResponse.BodyHandlers.ofString()));
  }

  /** A TLS server without a client-certificate requirement, so that a bare openssl s_client can finish a handshake. */
  private int tlsServerWithoutClientCertificates(Vertx vertx, String host) throws Exception {
    ServerVerticle server = new ServerVerticle();
    JsonObject config = new JsonObject()
        .put("http", new JsonObject().put("host", host).put("port", 0).put("tls", new JsonObject()
            .put("certFile", certs.serverCert().toString()).put("keyFile", certs.serverKey().toString())))
        .put("influx", new JsonObject().put("url", central.influxd.url()));
    vertx.deployVerticle(server, new DeploymentOptions().setConfig(config))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    return server.actualPort();
  }

  @Test
  void theServerTakesTls13AndTls12WithForwardSecretAeadSuitesOnly(Vertx vertx) throws Exception {
    int port = tlsServerWithoutClientCertificates(vertx, "127.0.0.1");
    assertTrue(handshake(port, "-tls1_3").startsWith("ok"), "TLS 1.3");
    for (String good : List.of("ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-RSA-CHACHA20-POLY1305")) {
      String r = handshake(port, "-tls1_2", "-cipher", good);
      assertTrue(r.startsWith("ok") && r.contains(good), good + ": " + r);
    }
    // no forward secrecy (RSA key exchange), CBC with SHA-1 or SHA-2, and protocols before 1.2
    for (String weak : List.of("AES128-SHA", "AES256-GCM-SHA384", "AES128-GCM-SHA256", "ECDHE-RSA-AES128-SHA",
        "ECDHE-RSA-AES256-SHA384", "ECDHE-RSA-AES128-SHA256")) {
      assertTrue(handshake(port, "-tls1_2", "-cipher", weak).startsWith("refused"), weak);
    }
    assertTrue(handshake(port, "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0").startsWith("refused"), "TLS 1.1");
  }

  @Test
  void theClientOffersNoWeakSuiteAndSaysSo(Vertx vertx, @TempDir Path dir) throws Exception {
    int port = io.outflux.influxd.FreePorts.next();
    Process weakServer = new ProcessBuilder("openssl", "s_server", "-accept", "127.0.0.1:" + port, "-quiet",
        "-cert", certs.serverCert().toString(), "-key", certs.serverKey().toString(), "-tls1_2", "-cipher", "AES128-SHA")
        .redirectErrorStream(true).redirectOutput(dir.resolve("s_server.log").toFile()).start();
    try {
      assertEquals(List.of("TLS protocol or cipher suite in common"),
          clientProblem(vertx, dir, "https://127.0.0.1:" + port, "TLS protocol or cipher suite in common"));
    } finally {
      weakServer.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void tlsFailuresSayWhatToChange(Vertx vertx, @TempDir Path dir) throws Exception {
    int plain = ServerFixture.deploy(vertx, central.influxd.url(), new JsonObject());
    assertEquals(List.of("does not speak TLS"), clientProblem(vertx, dir.resolve("plain"), "https://127.0.0.1:" + plain,
        "does not speak TLS"));
    int other = tlsServerWithoutClientCertificates(vertx, "127.0.0.2"); // the certificate names 127.0.0.1 and localhost
    assertEquals(List.of("host name mismatch"), clientProblem(vertx, dir.resolve("name"), "https://127.0.0.2:" + other,
        "host name mismatch"));
  }

  /** Starts a client against the address and waits until its transport logs {@code wanted}. */
  private static List<String> clientProblem(Vertx vertx, Path dir, String server, String wanted) throws Exception {
    Files.createDirectories(dir);
    Path spool = dir.resolve("metrics.lp");
    try (LogCapture log = new LogCapture(TransportVerticle.class)) {
      JsonObject config = ClientFixture.config(server, spool, "tls_ok", CentralInflux.WRITER, CentralInflux.WRITER_PASSWORD);
      config.getJsonObject("transport").put("tls", new JsonObject().put("caFile", certs.caCert().toString()));
      String id = ClientFixture.deploy(vertx, config);
      Files.write(spool, new TelegrafLikeLines("tls", 1_700_000_000_000_000_000L).block(0, 5));
      try {
        Await.until(log::messages, m -> m.stream().anyMatch(line -> line.contains(wanted)), Duration.ofSeconds(20));
        return List.of(wanted);
      } finally {
        vertx.undeploy(id).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    }
  }

  private static String handshake(int port, String... options) throws Exception {
    return OpenSslHandshake.offer(port, certs.caCert(), options);
  }
}
