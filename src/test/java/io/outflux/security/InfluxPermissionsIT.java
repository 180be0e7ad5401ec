package io.outflux.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.influxd.Privilege;
import io.outflux.testing.CentralInflux;
import io.outflux.testing.LogCapture;
import io.outflux.testing.ServerFixture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The central InfluxDB's permissions are the only authority, and lines that would crash it never
 * reach it. Real influxd with auth on; raw HTTP batches to a real outflux server.
 */
@ExtendWith(VertxExtension.class)
class InfluxPermissionsIT {

  /** The two corpus inputs that make influxd 1.6.7 panic and exit (testdata/README.md). */
  private static final String POISON_1 = "0 \\\\=\"=\"";
  private static final String POISON_2 = "m \\0=\",\"=3,\"=\"";

  @RegisterExtension
  static final CentralInflux central = CentralInflux.perTestClass();
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    central.influxd.createDatabase("other");
    central.influxd.createUser("nobody", "nobody-pw", false);
  }

  @Test
  void writeOnlyUserSyncsToItsDatabaseAndGetsAClear403ForAnyOther(Vertx vertx) throws Exception {
    int port = ServerFixture.deploy(vertx, central.influxd.url(), new JsonObject());
    HttpResponse<String> own = post(port, CentralInflux.DB, CentralInflux.WRITER, CentralInflux.WRITER_PASSWORD,
        "perm_own v=1 1\n");
    assertEquals(200, own.statusCode(), own.body());
    HttpResponse<String> other = post(port, "other", CentralInflux.WRITER, CentralInflux.WRITER_PASSWORD,
        "perm_other v=1 1\n");
    assertEquals(403, other.statusCode(), other.body());
    assertTrue(new JsonObject(other.body()).getString("error").contains("not authorized"), other.body());
    assertEquals(0, central.count("other", "perm_other"));
  }

  @Test
  void userWithoutPrivilegesIsRefusedAndAnAdminWritesAnywhere(Vertx vertx) throws Exception {
    int port = ServerFixture.deploy(vertx, central.influxd.url(), new JsonObject());
    assertEquals(403, post(port, CentralInflux.DB, "nobody", "nobody-pw", "perm_nobody v=1 1\n").statusCode());
    assertEquals(401, post(port, CentralInflux.DB, "nobody", "wrong", "perm_nobody v=1 1\n").statusCode());
    assertEquals(200, post(port, "other", CentralInflux.ADMIN, CentralInflux.ADMIN_PASSWORD, "perm_admin v=1 1\n")
        .statusCode());
    assertEquals(0, central.count(CentralInflux.DB, "perm_nobody"));
    assertEquals(1, central.count("other", "perm_admin"));
  }

  @Test
  void poisonLinesAreRejectedPerLineAndInfluxDbStaysUp(Vertx vertx) throws Exception {
    central.influxd.createDatabase("poison");
    central.influxd.grant(Privilege.WRITE, "poison", CentralInflux.WRITER);
    int port = ServerFixture.deploy(vertx, central.influxd.url(), new JsonObject());
    String body = "poison_good v=1 1\n" + POISON_1 + "\npoison_good v=2 2\n" + POISON_2 + "\npoison_good v=3 3\n";
    HttpResponse<String> r = post(port, "poison", CentralInflux.WRITER, CentralInflux.WRITER_PASSWORD, body);
    assertEquals(200, r.statusCode(), r.body());
    JsonObject reply = new JsonObject(r.body());
    assertEquals(3, reply.getLong("written"));
    JsonArray rejected = reply.getJsonArray("rejected");
    assertEquals(2, rejected.size(), r.body());
    assertEquals(POISON_1, rejected.getJsonObject(0).getString("line"));
    assertEquals(POISON_2, rejected.getJsonObject(1).getString("line"));
    assertTrue(central.influxd.isAlive(), "influxd did not crash");
    assertEquals(204, central.influxd.anonymousClient().ping());
    assertEquals(3, central.count("poison", "poison_good"));
  }

  @Test
  void passwordsNeverAppearInLogsOrAnswers(Vertx vertx) throws Exception {
    try (LogCapture all = new LogCapture(org.slf4j.Logger.ROOT_LOGGER_NAME)) {
      int port = ServerFixture.deploy(vertx, central.influxd.url(), new JsonObject());
      String wrong = "Wrong-Pass-Word-123";
      HttpResponse<String> refused = post(port, CentralInflux.DB, CentralInflux.WRITER, wrong, "leak v=1 1\n");
      assertEquals(401, refused.statusCode());
      HttpResponse<String> ok = post(port, CentralInflux.DB, CentralInflux.WRITER, CentralInflux.WRITER_PASSWORD,
          "leak v=1 1\n");
      assertEquals(200, ok.statusCode());
      String logs = all.everything();
      assertFalse(logs.isEmpty(), "something was logged");
      for (String secret : new String[] {wrong, CentralInflux.WRITER_PASSWORD}) {
        assertFalse(logs.contains(secret), "password in the logs");
        assertFalse(refused.body().contains(secret) || ok.body().contains(secret), "password in an answer");
        String basic = Base64.getEncoder().encodeToString((CentralInflux.WRITER + ":" + secret).getBytes(StandardCharsets.UTF_8));
        assertFalse(logs.contains(basic), "encoded credentials in the logs");
      }
    }
  }

  @Test
  void repeatedWrongPasswordsFromOneAddressAreSlowedDown(Vertx vertx) throws Exception {
    int port = ServerFixture.deploy(vertx, central.influxd.url(),
        new JsonObject());
    int refused = 0;
    HttpResponse<String> r = null;
    for (int i = 0; i < 20; i++) {
      r = post(port, CentralInflux.DB, CentralInflux.WRITER, "guess-" + i, "guess v=1 1\n");
      if (r.statusCode() == 429) {
        break;
      }
      assertEquals(401, r.statusCode());
      refused++;
    }
    assertEquals(10, refused, "auth.maxFailures defaults to 10");
    assertEquals(429, r.statusCode());
    assertTrue(Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow()) >= 1);
    assertEquals(429, post(port, CentralInflux.DB, CentralInflux.WRITER, CentralInflux.WRITER_PASSWORD,
        "guess v=1 1\n").statusCode(), "even the right password waits: the address is throttled, not the user");
  }

  private HttpResponse<String> post(int port, String db, String user, String password, String body) throws Exception {
    String basic = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/batches?db=" + db))
        .header("Authorization", "Basic " + basic)
        .header("Outflux-Client-Id", "security-it")
        .header("Outflux-Seq", "1")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
    return http.send(req, HttpResponse.BodyHandlers.ofString());
  }
}
