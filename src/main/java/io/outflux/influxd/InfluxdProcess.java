package io.outflux.influxd;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A private InfluxDB 1.x server run as a child process, on loopback ports of its own, with its own
 * meta/data/wal directories. For integration tests and the demo command. Blocking API.
 *
 * <pre>
 * try (InfluxdProcess influx = InfluxdProcess.start(InfluxdOptions.defaults())) {
 *   influx.createDatabase("db");
 *   influx.write("db", "cpu value=1");
 * }
 * </pre>
 */
public final class InfluxdProcess implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(InfluxdProcess.class);

  /** Retries with fresh ports after a launch attempt in which influxd died (e.g. port taken). */
  static final int PORT_RETRIES = 3;

  private static final Duration GRACEFUL_STOP = Duration.ofSeconds(10);
  private static final Duration SHUTDOWN_HOOK_GRACE = Duration.ofSeconds(2);
  private static final int TAIL_LINES = 30;

  private final InfluxdOptions options;
  private final Path binary;
  private final Path dir;
  private final boolean ownsDir;
  private final Path logFile;

  private volatile InfluxdConfig config;
  private volatile Process process;
  private volatile InfluxdClient admin;
  private boolean stopped;

  private InfluxdProcess(InfluxdOptions options, Path binary, Path dir, boolean ownsDir) {
    this.options = options;
    this.binary = binary;
    this.dir = dir;
    this.ownsDir = ownsDir;
    this.logFile = dir.resolve("influxd.log");
  }

  /**
   * Starts influxd and waits until GET /ping answers 204.
   *
   * @throws IllegalStateException when influxd is not installed (the message says how to install
   *     it) or does not come up (the message carries the end of its log)
   */
  public static InfluxdProcess start(InfluxdOptions options) {
    Path binary = InfluxdLocator.locate(options.influxdBinary());
    boolean ownsDir = options.baseDir() == null;
    Path dir;
    try {
      dir = ownsDir ? Files.createTempDirectory("outflux-influxd-") : Files.createDirectories(options.baseDir());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a directory for influxd", e);
    }
    InfluxdProcess p = new InfluxdProcess(options, binary, dir, ownsDir);
    ChildReaper.track(p);
    try {
      p.launchWithFreshPorts();
      return p;
    } catch (RuntimeException e) {
      p.stop();
      throw e;
    }
  }

  // ---- lifecycle

  private void launchWithFreshPorts() {
    List<String> failures = new ArrayList<>();
    for (int attempt = 0; attempt <= PORT_RETRIES; attempt++) {
      InfluxdConfig cfg = new InfluxdConfig(dir, FreePorts.next(), FreePorts.next(), options.authEnabled());
      try {
        launch(cfg);
        return;
      } catch (StartFailure f) {
        failures.add("attempt " + (attempt + 1) + " (http port " + cfg.httpPort() + ", rpc port " + cfg.rpcPort()
            + "): " + f.getMessage());
        if (!f.retryable()) {
          break;
        }
        LOG.warn("influxd did not start ({}); retrying with new ports", f.getMessage());
      }
    }
    throw new IllegalStateException("influxd (" + binary + ") did not start: " + String.join("; ", failures)
        + "\nLast lines of " + logFile + ":\n" + logTail(TAIL_LINES));
  }

  /** One attempt: write the config, run influxd, wait for readiness. Leaves no process on failure. */
  private void launch(InfluxdConfig cfg) throws StartFailure {
    long logOffset;
    try {
      cfg.write();
      Files.writeString(logFile, "=== outflux harness: starting " + binary + " on http " + cfg.httpPort() + " ===\n",
          StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      logOffset = LogTail.size(logFile);
      Process started = new ProcessBuilder(binary.toString(), "run", "-config", cfg.file().toString())
          .directory(dir.toFile())
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
          .start();
      started.getOutputStream().close(); // influxd reads no stdin
      this.config = cfg;
      this.process = started;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + binary, e);
    }
    awaitReady(cfg, logOffset);
    this.admin = admin == null ? new InfluxdClient(URI.create(url())) : admin;
    LOG.info("influxd pid {} ready at {} (dir {})", process.pid(), url(), dir);
  }

  /**
   * Ready = our process is alive, has logged that it listens on our HTTP port, and /ping says 204.
   * The log check matters: a foreign server already on that port would answer /ping while our
   * influxd is failing to bind.
   */
  private void awaitReady(InfluxdConfig cfg, long logOffset) throws StartFailure {
    InfluxdClient probe = new InfluxdClient(URI.create("http://127.0.0.1:" + cfg.httpPort()));
    long deadline = System.nanoTime() + options.startTimeout().toNanos();
    String listening = "addr=127.0.0.1:" + cfg.httpPort();
    while (System.nanoTime() < deadline) {
      Process p = process;
      if (!p.isAlive()) {
        String why = LogTail.readFrom(logFile, logOffset).contains("address already in use")
            ? "port already in use" : "influxd exited";
        throw new StartFailure(why + " with code " + p.exitValue(), true);
      }
      if (listensOn(LogTail.readFrom(logFile, logOffset), listening) && probe.ping() == 204) {
        return;
      }
      sleep(Duration.ofMillis(50));
    }
    stopProcess(GRACEFUL_STOP);
    throw new StartFailure("no 204 from GET /ping within " + options.startTimeout(), false);
  }

  private static boolean listensOn(String log, String addr) {
    return log.lines().anyMatch(l -> l.contains("msg=\"Listening on HTTP\"") && l.contains(addr + " "));
  }

  /** Stops influxd gracefully and keeps ports, data and log, then starts it again (outage tests). */
  public synchronized void restart() {
    requireNotStopped();
    stopProcess(GRACEFUL_STOP);
    try {
      launch(config);
    } catch (StartFailure f) {
      throw new IllegalStateException("influxd did not restart on port " + config.httpPort() + ": " + f.getMessage()
          + "\nLast lines of " + logFile + ":\n" + logTail(TAIL_LINES));
    }
  }

  /** SIGKILL, for chaos tests. Data and ports are kept: {@link #restart()} brings it back. */
  public synchronized void kill9() {
    Process p = process;
    if (p != null) {
      p.destroyForcibly();
      waitFor(p, GRACEFUL_STOP);
    }
  }

  /**
   * SIGTERM, up to 10 s for a clean shutdown, then SIGKILL; deletes the temp dir unless keepData
   * was set (a caller-provided baseDir is never deleted). Idempotent.
   */
  public synchronized void stop() {
    if (stopped) {
      return;
    }
    stopped = true;
    stopProcess(GRACEFUL_STOP);
    ChildReaper.untrack(this);
    deleteDirIfOwned();
  }

  @Override
  public void close() {
    stop();
  }

  /** Called by the shutdown hook: short grace period, no locks (a test thread may hold ours). */
  void shutdownNow() {
    stopProcess(SHUTDOWN_HOOK_GRACE);
    deleteDirIfOwned();
  }

  private void stopProcess(Duration grace) {
    Process p = process;
    if (p == null || !p.isAlive()) {
      return;
    }
    p.destroy(); // SIGTERM: influxd closes its shards and WAL cleanly
    if (!waitFor(p, grace)) {
      LOG.warn("influxd pid {} ignored SIGTERM for {}; killing it", p.pid(), grace);
      p.destroyForcibly();
      waitFor(p, grace);
    }
  }

  private void deleteDirIfOwned() {
    if (!ownsDir || options.keepData() || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      LOG.warn("could not delete influxd dir {}: {}", dir, e.toString());
    }
  }

  // ---- where it is

  public String url() {
    return "http://127.0.0.1:" + httpPort();
  }

  public int httpPort() {
    return config.httpPort();
  }

  /** Pid of the current influxd process (changes on restart). */
  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    Process p = process;
    return p != null && p.isAlive();
  }

  /** This instance's directory: config file, log, meta/, data/, wal/. */
  public Path baseDir() {
    return dir;
  }

  /** The [data] dir (TSM shards); the WAL is in the sibling wal/. */
  public Path dataDir() {
    return dir.resolve("data");
  }

  public Path logFile() {
    return logFile;
  }

  public String logTail(int lines) {
    return LogTail.lastLines(logFile, lines);
  }

  // ---- management (uses the admin credentials once set)

  /** Use this user's Basic auth for all following management calls (needed once auth is on). */
  public void adminCredentials(String user, String password) {
    admin = admin.withCredentials(user, password);
  }

  /**
   * Creates the first admin user without credentials (allowed by InfluxDB only while no user
   * exists) and uses it for management calls from now on.
   */
  public void bootstrapAdmin(String user, String password) {
    admin.withoutCredentials().createUser(user, password, true);
    adminCredentials(user, password);
  }

  /** The management client (admin credentials if set). */
  public InfluxdClient client() {
    return admin;
  }

  /** A client that authenticates as this user, e.g. to check what a non-admin may do. */
  public InfluxdClient clientAs(String user, String password) {
    return admin.withCredentials(user, password);
  }

  public InfluxdClient anonymousClient() {
    return admin.withoutCredentials();
  }

  public JsonObject query(String influxql) {
    return admin.query(influxql);
  }

  public JsonObject query(String db, String influxql) {
    return admin.query(db, influxql);
  }

  public void createDatabase(String name) {
    admin.createDatabase(name);
  }

  public void createUser(String name, String password, boolean isAdmin) {
    admin.createUser(name, password, isAdmin);
  }

  public void grant(Privilege privilege, String db, String user) {
    admin.grant(privilege, db, user);
  }

  public InfluxdResponse write(String db, String lineProtocol) {
    return admin.write(db, lineProtocol);
  }

  /** Fast count, see {@link InfluxdClient#count}. */
  public long count(String db, String measurement) {
    return admin.count(db, measurement);
  }

  /** Exact count of one measurement, see {@link InfluxdClient#countExact}. */
  public long countExact(String db, String measurement) {
    return admin.countExact(db, measurement);
  }

  /** Exact count over all measurements, see {@link InfluxdClient#countPoints}. */
  public long countPoints(String db) {
    return admin.countPoints(db);
  }

  @Override
  public String toString() {
    Process p = process;
    return "influxd[" + (config == null ? "not started" : url()) + (p == null ? "" : ", pid " + p.pid()) + ", " + dir + "]";
  }

  // ---- helpers

  private void requireNotStopped() {
    if (stopped) {
      throw new IllegalStateException("influxd harness already stopped: " + this);
    }
  }

  private static boolean waitFor(Process p, Duration d) {
    try {
      return p.waitFor(d.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !p.isAlive();
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for influxd", e);
    }
  }
}
