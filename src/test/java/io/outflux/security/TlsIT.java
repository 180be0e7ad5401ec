package io.outflux.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.demo.TelegrafLikeLines;
import io.outflux.demo.TestCerts;
import io.outflux.influxd.Privilege;
import io.outflux.testing.Await;
import io.outflux.testing.CentralInflux;
import io.outflux.testing.ClientFixture;
import io.outflux.testing.LogCapture;
import io.outflux.testing.ServerFixture;
import io.outflux.transport.TransportVerticle;
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
}
