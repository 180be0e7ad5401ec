package io.outflux.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fat jar as users run it: {@code java -jar target/outflux.jar <verticle> -conf FILE}. */
class LaunchIT {

  record Run(int exit, String output) {
  }

  private static Run run(String... args) throws Exception {
    String jar = System.getProperty("outflux.jar", "target/outflux.jar");
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", jar));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the launcher exits on a bad config");
    return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  @Test
  void unknownKeyExitsNonZeroNamingFileAndKey(@TempDir Path dir) throws Exception {
    Path conf = Files.writeString(dir.resolve("server.json"), "{\"http\":{\"prot\":8070}}");
    Run r = run("server", "-conf", conf.toString());
    assertEquals(Main.EXIT_CONFIG, r.exit(), r.output());
    assertTrue(r.output().contains("config error: " + conf + ": key \"http.prot\": unknown key"), r.output());
  }

  @Test
  void wrongTypeAndMissingKeysAreNamed(@TempDir Path dir) throws Exception {
    Path conf = Files.writeString(dir.resolve("client.json"),
        "{\"clientId\":\"x\",\"servers\":[\"http://127.0.0.1:1\"],\"influx\":{\"username\":\"u\",\"database\":\"d\"},"
            + "\"spool\":{\"path\":\"/tmp/x.lp\"},\"sync\":{\"interval\":\"soon\"}}");
    Run r = run("client", "--conf=" + conf);
    assertEquals(Main.EXIT_CONFIG, r.exit(), r.output());
    assertTrue(r.output().contains("key \"sync.interval\""), r.output());

    Path missing = Files.writeString(dir.resolve("c2.json"), "{\"clientId\":\"x\"}");
    Run r2 = run("client", "-conf", missing.toString());
    assertEquals(Main.EXIT_CONFIG, r2.exit());
    assertTrue(r2.output().contains("key \"influx.username\": is required"), r2.output());
  }

  @Test
  void missingFileAndInvalidJsonAreReportedWithTheirPlace(@TempDir Path dir) throws Exception {
    Run r = run("server", "-conf", dir.resolve("nope.json").toString());
    assertEquals(Main.EXIT_CONFIG, r.exit());
    assertTrue(r.output().contains("nope.json: file not found"), r.output());
    Path bad = Files.writeString(dir.resolve("bad.json"), "{\n  \"http\": {\"port\": 80,}\n}");
    Run r2 = run("server", "-conf", bad.toString());
    assertEquals(Main.EXIT_CONFIG, r2.exit());
    assertTrue(r2.output().contains("bad.json: not a valid JSON object: line 2"), r2.output());
  }

  @Test
  void unreadableCertificateFileIsAConfigError(@TempDir Path dir) throws Exception {
    Path conf = Files.writeString(dir.resolve("server.json"),
        "{\"http\":{\"tls\":{\"certFile\":\"/nonexistent/server.pem\",\"keyFile\":\"/nonexistent/server.key\"}}}");
    Run r = run("server", "-conf", conf.toString());
    assertEquals(Main.EXIT_CONFIG, r.exit());
    assertTrue(r.output().contains("key \"http.tls.certFile\": file \"/nonexistent/server.pem\" does not exist"), r.output());
  }

  @Test
  void unknownVerticleNameFailsWithAHint() throws Exception {
    Run r = run("nonsense", "-conf", "{}");
    assertTrue(r.exit() != 0, r.output());
    assertTrue(r.output().contains("unknown verticle \"nonsense\"; use client or server"), r.output());
  }

  @Test
  void theHelpListsOutfluxOptionsAndTheDocsAndVersionIsPrinted() throws Exception {
    Run help = run("server", "--help");
    assertEquals(0, help.exit(), help.output());
    assertTrue(help.output().contains("-c, -conf, --conf=FILE") && help.output().contains("--cluster")
        && help.output().contains("docs/configuration.md") && help.output().contains("Exit codes:"), help.output());
    assertTrue(!help.output().contains("VertxApplication"), "not the raw launcher help");
    Run flush = run("flush", "--help");
    assertTrue(flush.output().contains("-t, --timeout=DURATION") && flush.output().split("\n").length > 5, flush.output());
    Run version = run("--version");
    assertEquals(0, version.exit());
    assertTrue(version.output().startsWith("outflux " + System.getProperty("outflux.version", "")), version.output());
  }

  @Test
  void aPortInUseIsOneLineNamingTheAddressAndTheKey(@TempDir Path dir) throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Path conf = Files.writeString(dir.resolve("server.json"),
          "{\"http\":{\"host\":\"127.0.0.1\",\"port\":" + taken.getLocalPort() + "}}");
      Run r = run("server", "-c", conf.toString());
      assertEquals(15, r.exit(), r.output());
      assertTrue(r.output().contains("cannot start the server: 127.0.0.1:" + taken.getLocalPort()
          + " (http.host, http.port in " + conf + ") is in use"), r.output());
      assertTrue(!r.output().contains("\tat "), "no stack trace:\n" + r.output());
    }
  }

  @Test
  void aGarbageOrForeignKeyFailsAtStartNamingTheKey(@TempDir Path dir) throws Exception {
    for (String name : List.of("a", "b")) {
      Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
          "/CN=" + name, "-keyout", name + ".key", "-out", name + ".pem").directory(dir.toFile()).redirectErrorStream(true)
          .start();
      p.getInputStream().readAllBytes();
      assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0);
    }
    Files.writeString(dir.resolve("garbage.key"), "not a key\n");
    Path garbage = Files.writeString(dir.resolve("g.json"), "{\"http\":{\"port\":0,\"tls\":{\"certFile\":\""
        + dir.resolve("a.pem") + "\",\"keyFile\":\"" + dir.resolve("garbage.key") + "\"}}}");
    Run r = run("server", "-c", garbage.toString());
    assertEquals(Main.EXIT_CONFIG, r.exit(), r.output());
    assertTrue(r.output().contains("key \"http.tls.keyFile\"") && r.output().contains("holds no PEM private key"),
        r.output());
    Path foreign = Files.writeString(dir.resolve("f.json"), "{\"http\":{\"port\":0,\"tls\":{\"certFile\":\""
        + dir.resolve("a.pem") + "\",\"keyFile\":\"" + dir.resolve("b.key") + "\"}}}");
    Run r2 = run("server", "-c", foreign.toString());
    assertEquals(Main.EXIT_CONFIG, r2.exit(), r2.output());
    assertTrue(r2.output().contains("do not belong together"), r2.output());
    assertTrue(!r2.output().contains("\tat "), r2.output());
  }

  @Test
  void aMissingSpoolDirectoryIsOneLineNamingTheKey(@TempDir Path dir) throws Exception {
    Path conf = Files.writeString(dir.resolve("client.json"), "{\"clientId\":\"x\",\"servers\":[\"http://127.0.0.1:1\"],"
        + "\"influx\":{\"username\":\"u\",\"database\":\"d\"},\"spool\":{\"path\":\"" + dir.resolve("nope/m.lp")
        + "\"},\"admin\":{\"port\":0}}");
    Run r = run("client", "--conf", conf.toString());
    assertEquals(Main.EXIT_CONFIG, r.exit(), r.output());
    assertTrue(r.output().contains("key \"spool.path\": the directory " + dir.resolve("nope") + " does not exist"),
        r.output());
    assertEquals(1, r.output().strip().split("\n").length, r.output());
  }
}
