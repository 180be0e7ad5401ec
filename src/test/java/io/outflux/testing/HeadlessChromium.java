package io.outflux.testing;

import static org.awaitility.Awaitility.await;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/**
 * Debian's chromium, headless, driven over the Chrome DevTools Protocol from the test thread: the DevTools
 * port read from {@code DevToolsActivePort}, one page target reached over a Vert.x WebSocket.
 *
 * <p>Each browser is sealed off from every other one and from the machine: it runs the real binary
 * (not Debian's {@code /usr/bin/chromium} wrapper, which sources {@code /etc/chromium.d}, adds flags of
 * its own and fails a shell test on hosts with two {@code /dev/shm} mounts), and its profile,
 * {@code HOME}, XDG config and cache dirs and {@code TMPDIR} all live in one fresh temp dir. Without
 * that, every browser shares {@code ~/.config/chromium/Crash Reports}: the browser takes an exclusive
 * {@code flock} on its {@code settings.dat} before it prints a single line, so whoever holds that lock
 * (another browser, a crash handler of an earlier one) keeps the next browser waiting silently: exactly
 * FleetPageIT's "wrote no DevToolsActivePort within 30 s" with nothing but the wrapper's warning in the
 * log (HeadlessChromiumIT holds that lock and starts a browser).
 *
 * <p>{@link #close()} SIGKILLs the browser with every process it started, including the crashpad
 * handlers that double-fork out of its process tree (see {@link ProcessTree}), waits until all are
 * gone, then deletes the temp dir; also when starting failed half-way. A failed start reports the
 * browser's exit state, its processes (with what each waits in) and its own log. A missing browser is
 * an error, not a skip: CI installs it ({@code scripts/setup.sh}).
 */
public final class HeadlessChromium implements AutoCloseable {

  public static final Path BINARY = Path.of("/usr/lib/chromium/chromium");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);
  private static final int LOG_LINES = 80;

  private final Path dir;
  private final ProcessTree browser;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonObject>> calls = new ConcurrentHashMap<>();
  private WebSocketClient client;
  private WebSocket page;

  private HeadlessChromium(Path dir, ProcessTree browser) {
    this.dir = dir;
    this.browser = browser;
  }

  /** Starts the browser with a {@code width} x {@code height} viewport and attaches to its page. */
  public static HeadlessChromium start(Vertx vertx, int width, int height) throws Exception {
    return start(vertx, BINARY, width, height, START_TIMEOUT);
  }

  /**
   * @throws IllegalStateException when {@code binary} is not there (a browser test fails, it never
   *     skips), or when it does not write its DevTools port within {@code startTimeout}
   */
  static HeadlessChromium start(Vertx vertx, Path binary, int width, int height, Duration startTimeout)
      throws Exception {
    if (!Files.isExecutable(binary)) {
      throw new IllegalStateException(binary + " is missing: the browser tests need Debian's chromium "
          + "(apt-get install -y chromium; scripts/setup.sh installs it)");
    }
    ProcessTree.killOrphans();
    Path dir = Files.createTempDirectory("outflux-chromium-");
    Path profile = Files.createDirectories(dir.resolve("profile"));
    Path home = Files.createDirectories(dir.resolve("home"));
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    List<String> command = List.of(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-extensions", "--disable-dev-shm-usage", "--hide-scrollbars",
        "--window-size=" + width + "," + height, "--user-data-dir=" + profile, "--remote-debugging-port=0",
        "about:blank");
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("chromium.log").toFile());
    // crash reports, dconf, fontconfig and shared-memory files: in this browser's own dirs, never shared
    Map<String, String> env = builder.environment();
    env.put("HOME", home.toString());
    env.put("XDG_CONFIG_HOME", home.resolve(".config").toString());
    env.put("XDG_CACHE_HOME", home.resolve(".cache").toString());
    env.put("TMPDIR", tmp.toString());
    HeadlessChromium chromium;
    try {
      chromium = new HeadlessChromium(dir, ProcessTree.start(builder));
    } catch (IOException | RuntimeException e) {
      deleteTree(dir);
      throw e;
    }
    try {
      chromium.attach(vertx, profile.resolve("DevToolsActivePort"), startTimeout, width, height);
      return chromium;
    } catch (Exception | Error e) {
      IllegalStateException failure = new IllegalStateException(chromium.startFailure(e), e);
      try {
        chromium.close();
      } catch (RuntimeException closing) {
        failure.addSuppressed(closing);
      }
      throw failure;
    }
  }

  private void attach(Vertx vertx, Path portFile, Duration startTimeout, int width, int height) throws Exception {
    String url = pageTarget(devToolsPort(portFile, startTimeout));
    client = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxFrameSize(64 << 20)
        .setMaxMessageSize(64 << 20));
    // Chromium refuses DevTools WebSockets that carry an Origin it was not told to allow
    page = client.connect(new WebSocketConnectOptions().setAbsoluteURI(url).setAllowOriginHeader(false))
        .toCompletionStage().toCompletableFuture().get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    page.textMessageHandler(this::onMessage);
    page.closeHandler(v -> calls.values().forEach(f -> f.completeExceptionally(
        new IllegalStateException("the DevTools connection closed; browser log:\n" + log()))));
    call("Emulation.setDeviceMetricsOverride", new JsonObject().put("width", width).put("height", height)
        .put("deviceScaleFactor", 1).put("mobile", false));
  }

  /** The port from {@code DevToolsActivePort}: its port line, then its browser path line, once both are written. */
  private int devToolsPort(Path file, Duration startTimeout) {
    Process process = browser.process();
    try {
      return await().atMost(startTimeout).pollInterval(Duration.ofMillis(50))
          .failFast(() -> !process.isAlive())
          .until(() -> {
            List<String> lines = Files.exists(file) ? Files.readAllLines(file) : List.of();
            return lines.size() >= 2 && lines.get(1).startsWith("/devtools/browser/")
                ? Integer.valueOf(lines.get(0).trim()) : null;
          }, Objects::nonNull);
    } catch (ConditionTimeoutException e) {
      throw new IllegalStateException("it wrote no " + file + " within " + startTimeout.toSeconds() + " s");
    } catch (TerminalFailureException e) {
      throw new IllegalStateException("it exited before writing " + file);
    }
  }

  private String startFailure(Throwable e) {
    return "chromium did not come up: " + e.getMessage() + "; " + browser.exitState() + "; its processes:\n"
        + browser.describe() + "\nits output (last " + LOG_LINES + " lines):\n" + log();
  }

  private static String pageTarget(int port) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpResponse<String> list = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    JsonArray targets = new JsonArray(list.body());
    for (int i = 0; i < targets.size(); i++) {
      JsonObject t = targets.getJsonObject(i);
      if ("page".equals(t.getString("type")) && t.containsKey("webSocketDebuggerUrl")) {
        return t.getString("webSocketDebuggerUrl");
      }
    }
    HttpResponse<String> created = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/json/new?about:blank"))
        .PUT(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    return new JsonObject(created.body()).getString("webSocketDebuggerUrl");
  }

  private void onMessage(String text) {
    JsonObject msg = new JsonObject(text);
    Integer id = msg.getInteger("id");
    CompletableFuture<JsonObject> call = id == null ? null : calls.remove(id);
    if (call == null) {
      return; // an event: nothing here subscribes to any
    }
    JsonObject error = msg.getJsonObject("error");
    if (error != null) {
      call.completeExceptionally(new IllegalStateException("DevTools error: " + error.encode()));
    } else {
      call.complete(msg.getJsonObject("result", new JsonObject()));
    }
  }

  /** One DevTools command on the page, waited for; its {@code result}. */
  public JsonObject call(String method, JsonObject params) throws Exception {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonObject> result = new CompletableFuture<>();
    calls.put(id, result);
    page.writeTextMessage(new JsonObject().put("id", id).put("method", method).put("params", params).encode());
    try {
      return result.get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } finally {
      calls.remove(id);
    }
  }

  /** Loads {@code url} and waits until the document has loaded. */
  public void navigate(String url) throws Exception {
    JsonObject nav = call("Page.navigate", new JsonObject().put("url", url));
    if (nav.containsKey("errorText")) {
      throw new IllegalStateException("cannot load " + url + ": " + nav.getString("errorText"));
    }
    await("document.readyState of " + url).atMost(CALL_TIMEOUT).pollInterval(Duration.ofMillis(100))
        .ignoreExceptions().until(() -> evaluate("document.readyState"), "complete"::equals);
  }

  /** Evaluates a JavaScript expression in the page (promises awaited); its value as JSON types. */
  public Object evaluate(String expression) throws Exception {
    JsonObject r = call("Runtime.evaluate", new JsonObject().put("expression", expression)
        .put("returnByValue", true).put("awaitPromise", true));
    if (r.containsKey("exceptionDetails")) {
      throw new IllegalStateException("JavaScript failed: " + r.getJsonObject("exceptionDetails").encode());
    }
    return r.getJsonObject("result", new JsonObject()).getValue("value");
  }

  /** A PNG of the viewport. */
  public byte[] screenshot() throws Exception {
    JsonObject r = call("Page.captureScreenshot", new JsonObject().put("format", "png"));
    return Base64.getDecoder().decode(r.getString("data"));
  }

  /** The browser's processes now: for tests of this harness. */
  List<ProcessHandle> processes() {
    return browser.members();
  }

  /** The last lines of the browser's own output, for failure messages. */
  public String log() {
    try {
      List<String> lines = Files.readAllLines(dir.resolve("chromium.log"));
      return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_LINES), lines.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /**
   * Kills the browser and every process it started and waits until they are gone, then deletes its dir.
   *
   * @throws IllegalStateException when a process survives SIGKILL (the dir is then left for a look)
   */
  @Override
  public void close() {
    if (page != null && !page.isClosed()) {
      page.close();
    }
    if (client != null) {
      client.close();
    }
    browser.kill(KILL_TIMEOUT);
    deleteTree(dir);
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // a leftover temp dir is not worth failing a test over
    }
  }
}
