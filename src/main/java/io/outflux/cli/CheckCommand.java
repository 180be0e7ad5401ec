package io.outflux.cli;

import io.outflux.client.ClientConfig;
import io.outflux.config.ConfigException;
import io.outflux.config.ConfigSource;
import io.outflux.config.EnvCheck;
import io.outflux.metrics.Human;
import io.outflux.server.ServerConfig;
import io.outflux.server.ServerTls;
import io.outflux.transport.ClientTls;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code outflux check -c FILE}: tries a client or server setup without running it, one line per
 * check with OK, WARN or FAIL: the config, every path it names, the TLS files, the network (each
 * server address, the credentials and the write permission; server side the InfluxDB), and the
 * Telegraf settings it can see. Nothing is written anywhere but a temporary file that is removed.
 */
@Command(name = "check", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Try a client or server setup without running it: the config, every path (spool readable, "
        + "checkpoint and dead-letter locations writable, TLS files), each server address (an outflux server, an "
        + "InfluxDB, or something else), the credentials and the write permission on the target database "
        + "(server side: the InfluxDB at influx.url), and the Telegraf settings it can see.",
        "Prints one line per check: OK, WARN or FAIL. Writes nothing."},
    footerHeading = "%n", footer = Cli.DOCS,
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:every check passed", "1:warnings only (the setup runs; read them)",
        "2:a check failed, or the config is invalid (the line says what to fix)"})
final class CheckCommand implements Callable<Integer> {

  static final int EXIT_OK = 0;
  static final int EXIT_WARN = 1;
  static final int EXIT_FAIL = 2;

  /** Which side a config is for. */
  enum Role { client, server }

  @Option(names = {"-c", "--conf", "-conf"}, paramLabel = "FILE",
      description = "the config to check; default: $OUTFLUX_CONF_DIR/<role>.json, else conf/<role>.json")
  String conf;

  @Option(names = {"-r", "--role"}, paramLabel = "ROLE",
      description = "client or server (default: guessed from the file: a clientId means client)")
  Role role;

  @Option(names = "--telegraf", paramLabel = "FILE", description = "Telegraf config(s) to check (default "
      + "/etc/telegraf/telegraf.conf and telegraf.d/*.conf when they exist)")
  List<Path> telegraf = new ArrayList<>();

  @Option(names = {"-t", "--timeout"}, paramLabel = "DURATION", converter = Durations.class, defaultValue = "5s",
      description = "how long to wait for each address (default ${DEFAULT-VALUE})")
  Duration timeout;

  @Option(names = "--offline", description = "skip the network checks")
  boolean offline;

  private final Io io;

  CheckCommand(Io io) {
    this.io = io;
  }

  @Override
  public Integer call() throws Exception {
    String file = conf != null ? conf : io.defaultConf(role == null ? "client" : role.name());
    CheckReport report = new CheckReport(io.out());
    JsonObject json;
    try {
      json = ConfigSource.readFile(Path.of(file));
    } catch (ConfigException e) {
      report.fail("config", e.getMessage());
      return report.exitCode();
    }
    Role side = role != null ? role : json.containsKey("clientId") || json.containsKey("servers") ? Role.client
        : Role.server;
    EnvCheck.Recording env = EnvCheck.recording(io.env());
    Object parsed;
    try {
      parsed = side == Role.client ? ClientConfig.parse(json, env) : ServerConfig.parse(json, env);
    } catch (ConfigException e) {
      report.fail("config", e.getMessage());
      return report.exitCode();
    }
    report.ok("config", file + " is a valid " + side + " config");
    EnvCheck.unknown(side.name(), io.env(), env.asked()).forEach(w -> report.warn("environment", w));
    Instant now = io.clock().get();
    if (parsed instanceof ClientConfig client) {
      client(report, client, now);
    } else {
      server(report, (ServerConfig) parsed, now);
    }
    io.out().println(report.summary());
    return report.exitCode();
  }

  private void client(CheckReport report, ClientConfig c, Instant now) throws Exception {
    spool(report, c.spool().path());
    PathChecks.writable(report, "spool.checkpoint", c.spool().checkpoint());
    PathChecks.writable(report, "spool.deadLetter", c.spool().deadLetter());
    ClientTls tls = c.transport().tls();
    tls.caFile().ifPresent(ca -> PathChecks.certificates(report, "transport.tls.caFile", ca, now));
    if (tls.certFile().isPresent()) {
      PathChecks.pair(report, "transport.tls", tls.certFile().get(), tls.keyFile().orElseThrow(), now);
    }
    TelegrafCheck.run(report, telegraf, c.spool().path());
    if (!offline) {
      try (NetChecks net = new NetChecks(timeout)) {
        net.servers(report, c);
      }
    }
  }

  private void server(CheckReport report, ServerConfig s, Instant now) throws Exception {
    if (s.front().tls().isPresent()) {
      ServerTls tls = s.front().tls().get();
      PathChecks.pair(report, "http.tls", tls.certFile(), tls.keyFile(), now);
      tls.clientCaFile().ifPresent(ca -> PathChecks.certificates(report, "http.tls.clientCaFile", ca, now));
    }
    port(report, s.front().host(), s.front().port());
    sites(report, s.front().sites());
    if (!offline) {
      try (NetChecks net = new NetChecks(timeout)) {
        net.influx(report, s.influx());
      }
    }
  }

  /** Recommends the site tag: without it, clients writing the same series to one database overwrite each other. */
  static void sites(CheckReport report, io.outflux.server.SiteConfig sites) {
    if (sites.tagsAny()) {
      report.ok("sites.tag", "the server adds the tag " + sites.tagName() + " (the client id, or the certificate's CN) "
          + (sites.tagByDefault() ? "to every database" : "in " + sites.perDatabase().entrySet().stream()
          .filter(java.util.Map.Entry::getValue).map(java.util.Map.Entry::getKey).sorted().toList()));
    } else if (sites.routes().isEmpty()) {
      // not a warning by itself (one client per database needs no tag); the client's check warns once
      // the server sees several clients and adds no tag
      report.ok("sites.tag", "off: fine while each database has one client; when several clients write one "
          + "database, points with the same series and timestamp from different sites overwrite each other (cloned "
          + "edge boxes share host names): set \"sites\": {\"tag\": true} or route each site to its own database "
          + "(docs/cluster.md#many-sites)");
    }
    if (!sites.routes().isEmpty()) {
      report.ok("sites.routes", sites.routes().size() + " route" + (sites.routes().size() == 1 ? "" : "s")
          + " decide the target database of matching clients");
    }
  }

  private static void spool(CheckReport report, Path spool) {
    Path dir = spool.toAbsolutePath().getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      report.fail("spool.path", "the directory " + dir + " does not exist: create it (Telegraf writes the spool "
          + "there) or fix spool.path");
    } else if (!Files.isReadable(dir) || !Files.isExecutable(dir)) {
      report.fail("spool.path", "the directory " + dir + " cannot be listed by this user: fix its mode or group");
    } else if (!Files.exists(spool)) {
      report.ok("spool.path", spool + " does not exist yet: Telegraf creates it with its first write");
    } else if (!Files.isReadable(spool)) {
      report.fail("spool.path", spool + " is not readable by this user: give the outflux user Telegraf's group");
    } else {
      try {
        report.ok("spool.path", spool + " is readable (" + Human.bytes(Files.size(spool)) + ")");
      } catch (IOException e) {
        report.fail("spool.path", spool + ": " + e.getMessage());
      }
    }
  }

  private static void port(CheckReport report, String host, int port) {
    if (port == 0) {
      report.ok("http.port", "0: any free port");
      return;
    }
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(host, port));
      report.ok("http.port", host + ":" + port + " is free");
    } catch (IOException e) {
      report.warn("http.port", host + ":" + port + " is in use (" + e.getMessage() + "): a running server, or another "
          + "process; the server cannot start while it is taken");
    }
  }
}
