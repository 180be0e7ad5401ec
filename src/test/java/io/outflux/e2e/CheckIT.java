package io.outflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.influxd.FreePorts;
import io.outflux.server.ServerVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/outflux check} against a real central influxd and a real outflux server: each mistake
 * an operator makes is one FAIL or WARN line naming it, and the exit status says how bad it is
 * (0 all OK, 1 warnings, 2 failures).
 */
class CheckIT extends CentralTestBase {

  @Test
  void aGoodClientSetupPassesEveryCheck(Vertx vertx, @TempDir Path dir) throws Exception {
    Edge edge = new Edge(central, "check_ok", dir);
    ServerVerticle server = Edge.deployServer(vertx, central, 0);
    Path conf = write(dir, "client.json", edge.clientConfig("interval", server.actualPort()));
    Path telegraf = Files.writeString(dir.resolve("telegraf.conf"), "[[outputs.file]]\n  files = [\"" + edge.spool
        + "\"]\n  data_format = \"influx\"\n  rotation_interval = \"1h\"\n  rotation_max_archives = -1\n");
    Edge.Cli r = Edge.cli("check", "--conf", conf.toString(), "--telegraf", telegraf.toString());
    assertEquals(0, r.exit(), r.out());
    assertTrue(r.out().contains("is an outflux server"), r.out());
    assertTrue(r.out().contains("OK    influx           user edge is accepted by the central InfluxDB and may write to "
        + "database check_ok"), r.out());
    assertTrue(r.out().contains("OK    spool.checkpoint"), r.out());
    assertFalse(r.out().contains(io.outflux.testing.CentralInflux.WRITER_PASSWORD), "no secret in the output");
  }

  @Test
  void eachCredentialAndDatabaseMistakeIsNamed(Vertx vertx, @TempDir Path dir) throws Exception {
    Edge edge = new Edge(central, "check_grants", dir);
    ServerVerticle server = Edge.deployServer(vertx, central, 0);
    JsonObject config = edge.clientConfig("interval", server.actualPort());

    JsonObject wrongPassword = config.copy();
    wrongPassword.getJsonObject("influx").put("password", "not-the-password");
    assertFails(check(dir, "wrong", wrongPassword), "credentials refused by InfluxDB for user edge");

    central.influxd.createUser("check_reader", "reader-pw", false);
    JsonObject noGrant = config.copy();
    noGrant.getJsonObject("influx").put("username", "check_reader").put("password", "reader-pw");
    assertFails(check(dir, "nogrant", noGrant), "user check_reader may not write to database check_grants");

    JsonObject noDatabase = config.copy();
    noDatabase.getJsonObject("influx").put("database", "check_missing_db");
    assertFails(check(dir, "nodb", noDatabase), "database not found: \"check_missing_db\"");

    JsonObject noRp = config.copy();
    noRp.getJsonObject("influx").put("retentionPolicy", "nope");
    assertFails(check(dir, "norp", noRp), "retention policy not found: nope");
  }

  @Test
  void anAddressThatIsInfluxDbOrNothingIsNamedAsSuch(Vertx vertx, @TempDir Path dir) throws Exception {
    Edge edge = new Edge(central, "check_addr", dir);
    JsonObject atInflux = edge.clientConfig("interval", central.influxd.httpPort());
    assertFails(check(dir, "influx", atInflux), "answers like an InfluxDB (1.6");
    // a running client pointed there says the same, on one line (not "HTTP 404: 404 page not found\n")
    var client = Edge.deployClient(vertx, atInflux);
    edge.append(10);
    JsonObject status = io.outflux.testing.Await.until(() -> Edge.admin(client.adminPort(), "/status").getValue(),
        st -> st.getString("lastError", "").contains("answers like an InfluxDB"), Duration.ofSeconds(30));
    assertFalse(status.getString("lastError").contains("\n"), status.encode());
    JsonObject nothing = edge.clientConfig("interval", FreePorts.next());
    assertFails(check(dir, "none", nothing), "cannot be reached");
  }

  @Test
  void pathsAndCertificatesAreTriedForReal(@TempDir Path dir) throws Exception {
    Edge edge = new Edge(central, "check_paths", dir);
    JsonObject config = edge.clientConfig("interval", FreePorts.next());
    config.getJsonObject("spool").put("path", dir.resolve("no-such-dir/metrics.lp").toString());
    Edge.Cli noDir = check(dir, "nodir", config, "--offline");
    assertFails(noDir, "FAIL  spool.path");

    Path aFile = Files.writeString(dir.resolve("plain-file"), "x");
    JsonObject checkpoint = edge.clientConfig("interval", FreePorts.next());
    checkpoint.getJsonObject("spool").put("checkpoint", aFile.resolve("metrics.checkpoint").toString());
    assertFails(check(dir, "cp", checkpoint, "--offline"), "FAIL  spool.checkpoint");

    Path certs = Files.createDirectories(dir.resolve("certs"));
    Path certA = openssl(certs, "a");
    openssl(certs, "b");
    JsonObject mismatch = edge.clientConfig("interval", FreePorts.next());
    mismatch.getJsonObject("transport").put("tls", new JsonObject().put("certFile", certA.toString())
        .put("keyFile", certs.resolve("b.key").toString()));
    assertFails(check(dir, "mismatch", mismatch, "--offline"), "do not belong together");

    Path expired = expired(certs);
    JsonObject old = edge.clientConfig("interval", FreePorts.next());
    old.getJsonObject("transport").put("tls", new JsonObject().put("certFile", expired.toString())
        .put("keyFile", certs.resolve("old.key").toString()));
    assertFails(check(dir, "expired", old, "--offline"), "expired on");
  }

  @Test
  void telegrafSettingsThatLoseArchivesAndEnvironmentTyposAreWarnings(@TempDir Path dir) throws Exception {
    Edge edge = new Edge(central, "check_warn", dir);
    Path telegraf = Files.writeString(dir.resolve("telegraf.conf"), "[agent]\n  interval = \"10s\"\n[[outputs.file]]\n"
        + "  files = [\"stdout\", \"" + edge.spool + "\"]\n  data_format = \"influx\"\n  rotation_max_size = \"64MB\"\n");
    Path conf = write(dir, "warn.json", edge.clientConfig("interval", FreePorts.next()));
    List<String> command = new ArrayList<>(List.of("bin/outflux", "check", "-c", conf.toString(), "--offline",
        "--telegraf", telegraf.toString()));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("OUTFLUX_JAR", System.getProperty("outflux.jar", "target/outflux.jar"));
    pb.environment().put("OUTFLUX_CLIENT_INFLUX_PASWORD", "typo");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(1, p.exitValue(), out);
    assertTrue(out.contains("rotation_max_archives = (not set: Telegraf's default) lets Telegraf delete rotated archives"), out);
    assertTrue(out.contains("OUTFLUX_CLIENT_INFLUX_PASWORD sets no client config key and is ignored; did you mean "
        + "OUTFLUX_CLIENT_INFLUX_PASSWORD?"), out);
  }

  @Test
  void aServerConfigIsCheckedAgainstItsInfluxDb(@TempDir Path dir) throws Exception {
    JsonObject good = new JsonObject().put("http", new JsonObject().put("port", 0))
        .put("influx", new JsonObject().put("url", central.influxd.url()));
    Edge.Cli ok = Edge.cli("check", "-c", write(dir, "server.json", good).toString());
    assertEquals(0, ok.exit(), ok.out());
    assertTrue(ok.out().contains("InfluxDB 1.6"), ok.out());
    assertTrue(ok.out().contains("InfluxDB checks credentials"), ok.out());
    JsonObject nowhere = good.copy().put("influx", new JsonObject().put("url", "http://127.0.0.1:" + FreePorts.next()));
    assertFails(Edge.cli("check", "--role", "server", "-c", write(dir, "s2.json", nowhere).toString()),
        "FAIL  influx.url");
    Edge.Cli bad = Edge.cli("check", "-c", Files.writeString(dir.resolve("s3.json"), "{\"http\":{\"prot\":1}}").toString());
    assertFails(bad, "key \"http.prot\": unknown key");
  }

  private static Edge.Cli check(Path dir, String name, JsonObject config, String... more) throws Exception {
    List<String> args = new ArrayList<>(List.of("check", "--conf", write(dir, name + ".json", config).toString(),
        "--timeout", "3s"));
    args.addAll(List.of(more));
    return Edge.cli(args.toArray(String[]::new));
  }

  private static void assertFails(Edge.Cli r, String text) {
    assertEquals(2, r.exit(), r.out());
    assertTrue(r.out().contains(text), "expected \"" + text + "\" in:\n" + r.out());
  }

  private static Path write(Path dir, String name, JsonObject json) throws Exception {
    return Files.writeString(dir.resolve(name), json.encodePrettily());
  }

  /** A self-signed certificate NAME.pem with its key NAME.key. */
  private static Path openssl(Path dir, String name) throws Exception {
    run(dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=" + name,
        "-keyout", name + ".key", "-out", name + ".pem");
    return dir.resolve(name + ".pem");
  }

  /** A certificate whose validity ended in 2020 (keytool sets the start date; openssl 3.0 cannot). */
  private static Path expired(Path dir) throws Exception {
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    run(dir, keytool, "-genkeypair", "-keystore", "old.p12", "-storetype", "PKCS12", "-storepass", "changeit",
        "-alias", "old", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=old", "-startdate", "2020/01/01 00:00:00",
        "-validity", "2");
    run(dir, "openssl", "pkcs12", "-in", "old.p12", "-passin", "pass:changeit", "-nokeys", "-out", "old.pem");
    run(dir, "openssl", "pkcs12", "-in", "old.p12", "-passin", "pass:changeit", "-nocerts", "-nodes", "-out", "old.key");
    return dir.resolve("old.pem");
  }

  private static void run(Path dir, String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, String.join(" ", cmd) + ": " + out);
  }
}
