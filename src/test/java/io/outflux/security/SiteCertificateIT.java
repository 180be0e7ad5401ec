package io.outflux.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.outflux.demo.TelegrafLikeLines;
import io.outflux.demo.TestCerts;
import io.outflux.influxd.Privilege;
import io.outflux.testing.Await;
import io.outflux.testing.CentralInflux;
import io.outflux.testing.ClientFixture;
import io.outflux.testing.ServerFixture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * With client certificates (TLS, {@code http.tls.clientCaFile}) the site is the certificate's CN,
 * whatever client id the client claims: lines carry {@code site=edge-01} (the test certificate's
 * CN) and a route by certificate pattern decides the database, over HTTP batches and a WebSocket
 * stream alike.
 */
@ExtendWith(VertxExtension.class)
class SiteCertificateIT {

  @RegisterExtension
  static final CentralInflux central = CentralInflux.perTestClass();
  private static TestCerts certs;

  @BeforeAll
  static void start(@TempDir Path certDir) throws Exception {
    certs = TestCerts.create(certDir);
    for (String db : new String[] {"cert_asked", "cert_routed_http", "cert_routed_ws"}) {
      central.influxd.createDatabase(db);
      central.influxd.grant(Privilege.WRITE, db, CentralInflux.WRITER);
    }
  }

  @AfterEach
  void stopClients(Vertx vertx) throws Exception {
    ClientFixture.undeployAll(vertx);
  }

  private static long siteCount(String db, String site) {
    JsonObject r = central.influxd.query(db, "SELECT count(\"used\") FROM \"mem\" WHERE \"site\" = '" + site + "'");
    JsonArray series = r.getJsonArray("results").getJsonObject(0).getJsonArray("series");
    return series == null ? 0 : series.getJsonObject(0).getJsonArray("values").getJsonArray(0).getLong(1);
  }

  private static void sync(Vertx vertx, Path dir, String rule, String routedDb) throws Exception {
    int port = ServerFixture.deploy(vertx, central.influxd.url(), new JsonObject().put("tls", new JsonObject()
            .put("certFile", certs.serverCert().toString())
            .put("keyFile", certs.serverKey().toString())
            .put("clientCaFile", certs.caCert().toString())),
        new JsonObject().put("sites", new JsonObject().put("tag", true).put("routes", new JsonArray()
            .add(new JsonObject().put("certificate", "edge-0?").put("database", routedDb)))));
    Path spool = dir.resolve("metrics.lp");
    JsonObject config = ClientFixture.config("https://127.0.0.1:" + port, spool, "cert_asked", CentralInflux.WRITER,
        CentralInflux.WRITER_PASSWORD).put("clientId", "claims-plant-z");
    config.getJsonObject("sync").put("rule", rule);
    config.getJsonObject("transport").put("tls", new JsonObject()
        .put("caFile", certs.caCert().toString())
        .put("certFile", certs.clientCert().toString())
        .put("keyFile", certs.clientKey().toString()));
    ClientFixture.deploy(vertx, config);
    Files.write(spool, new TelegrafLikeLines("gw", 1_700_000_000_000_000_000L).block(0, 300));
  }

  @Test
  void overHttpTheCertificatesCommonNameIsTheSiteAndPicksTheRoute(Vertx vertx, @TempDir Path dir) throws Exception {
    sync(vertx, dir, "interval", "cert_routed_http");
    assertEquals(100, Await.value(() -> siteCount("cert_routed_http", "edge-01"), 100, Duration.ofSeconds(30)));
    assertEquals(300, central.influxd.countPoints("cert_routed_http"));
    assertEquals(0, siteCount("cert_routed_http", "claims-plant-z"));
    assertEquals(0, central.influxd.countPoints("cert_asked"));
  }

  @Test
  void overAStreamTheSame(Vertx vertx, @TempDir Path dir) throws Exception {
    sync(vertx, dir, "streaming", "cert_routed_ws");
    assertEquals(100, Await.value(() -> siteCount("cert_routed_ws", "edge-01"), 100, Duration.ofSeconds(30)));
    assertEquals(300, central.influxd.countPoints("cert_routed_ws"));
    assertEquals(0, central.influxd.countPoints("cert_asked"));
  }
}
