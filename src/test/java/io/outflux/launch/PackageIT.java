package io.outflux.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.testing.CentralInflux;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/package.sh} builds a Debian package that installs and runs: its contents, conffiles
 * and maintainer scripts as dpkg-deb shows them, then a real {@code dpkg -i} on this (CI) machine,
 * {@code outflux check} run as the package's own user from the installed layout (against a real
 * influxd for the server config), and {@code dpkg --purge} again. Runs as root, like CI.
 */
class PackageIT {

  @RegisterExtension
  static final CentralInflux central = CentralInflux.perTestClass();

  record Run(int exit, String out) {
  }

  @Test
  void thePackageHoldsTheLayoutInstallsAndRunsOutfluxCheck(@TempDir Path dir) throws Exception {
    Run built = run(Map.of("OUTFLUX_JAR", System.getProperty("outflux.jar", "target/outflux.jar")),
        "scripts/package.sh");
    assertEquals(0, built.exit(), built.out());
    String[] lines = built.out().strip().split("\n");
    Path deb = Path.of(lines[lines.length - 1]);
    assertTrue(Files.isRegularFile(deb), built.out());

    String contents = run("dpkg-deb", "-c", deb.toString()).out();
    for (String path : List.of("./usr/share/outflux/outflux.jar", "./usr/share/outflux/bin/outflux",
        "./usr/bin/outflux -> ../share/outflux/bin/outflux", "./etc/outflux/client.json", "./etc/outflux/server.json",
        "./etc/default/outflux", "./lib/systemd/system/outflux-client.service",
        "./lib/systemd/system/outflux-server.service", "./var/spool/outflux/",
        "./usr/share/doc/outflux/examples/grafana/outflux-dashboard.json",
        "./usr/share/doc/outflux/examples/prometheus/outflux-alerts.yml")) {
      assertTrue(contents.contains(path), path + " in\n" + contents);
    }
    assertTrue(contents.matches("(?s).*-rw-r----- root/root\\s+\\d+ \\S+ \\S+ \\./etc/outflux/client\\.json.*"),
        "the client config (a password) is not world-readable:\n" + contents);
    String conffiles = run("dpkg-deb", "-I", deb.toString(), "conffiles").out();
    assertTrue(conffiles.contains("/etc/outflux/client.json") && conffiles.contains("/etc/outflux/server.json")
        && conffiles.contains("/etc/default/outflux"), conffiles);
    assertTrue(run("dpkg-deb", "-I", deb.toString()).out().contains("Depends: default-jre-headless"));

    Path control = dir.resolve("control");
    assertEquals(0, run("dpkg-deb", "-e", deb.toString(), control.toString()).exit());
    String postinst = Files.readString(control.resolve("postinst"));
    assertTrue(postinst.contains("adduser --system --group") && postinst.contains("chown outflux:outflux /var/spool/outflux"),
        postinst);
    for (String script : List.of("postinst", "prerm", "postrm")) {
      assertEquals(0, run("sh", "-n", control.resolve(script).toString()).exit(), script + " is valid sh");
    }
    Path files = dir.resolve("files");
    assertEquals(0, run("dpkg-deb", "-x", deb.toString(), files.toString()).exit());
    for (String role : List.of("client", "server")) {
      String unit = Files.readString(files.resolve("lib/systemd/system/outflux-" + role + ".service"));
      for (String setting : List.of("User=outflux", "ExecStart=/usr/bin/outflux " + role + " --conf /etc/outflux/"
          + role + ".json", "RestartPreventExitStatus=2", "ProtectSystem=strict", "ReadWritePaths=/var/spool/outflux",
          "NoNewPrivileges=yes", "SuccessExitStatus=143")) {
        assertTrue(unit.contains(setting), setting + " in outflux-" + role + ".service");
      }
      assertTrue(!unit.contains("Xmx"), "JVM flags live in /etc/default/outflux only");
    }
    assertTrue(Files.readString(files.resolve("etc/default/outflux")).contains("CLIENT_JAVA_OPTS="));

    boolean userExisted = run("getent", "passwd", "outflux").exit() == 0;
    try {
      Run installed = run("dpkg", "-i", deb.toString());
      assertEquals(0, installed.exit(), installed.out());
      PosixFileAttributes spool = Files.readAttributes(Path.of("/var/spool/outflux"), PosixFileAttributes.class);
      assertEquals("outflux", spool.owner().getName());
      assertTrue(run("/usr/bin/outflux", "--version").out().startsWith("outflux "), "the launcher is on the PATH");

      Run client = run("runuser", "-u", "outflux", "--", "/usr/bin/outflux", "check", "--offline", "--telegraf",
          "/usr/share/doc/outflux/examples/telegraf.conf");
      assertEquals(0, client.exit(), client.out());
      assertTrue(client.out().contains("/etc/outflux/client.json is a valid client config"), client.out());
      assertTrue(client.out().contains("OK    spool.checkpoint"), client.out());

      Run server = run("runuser", "-u", "outflux", "--", "env", "OUTFLUX_SERVER_INFLUX_URL=" + central.influxd.url(),
          "/usr/bin/outflux", "check", "--role", "server");
      assertTrue(server.exit() <= 1, server.out()); // 1 when port 8070 is taken on this machine
      assertTrue(server.out().contains("OK    influx.url       InfluxDB 1.6"), server.out());
    } finally {
      Run purged = run("dpkg", "--purge", "outflux");
      assertEquals(0, purged.exit(), purged.out());
      if (!userExisted) {
        run("userdel", "outflux");
        run("groupdel", "outflux");
        run("rmdir", "/var/spool/outflux");
      }
    }
    assertTrue(!Files.exists(Path.of("/usr/bin/outflux")), "removed again");
  }

  private static Run run(String... cmd) throws Exception {
    return run(Map.of(), cmd);
  }

  private static Run run(Map<String, String> env, String... cmd) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(List.of(cmd))).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), String.join(" ", cmd) + " did not end");
    return new Run(p.exitValue(), out);
  }
}
