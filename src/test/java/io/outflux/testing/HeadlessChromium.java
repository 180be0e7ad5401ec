package io.outflux.testing;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Debian's {@code chromium}, headless, driven over the Chrome DevTools Protocol from the test thread:
 * a fresh profile in a temp dir, the DevTools port read from {@code DevToolsActivePort}, one page
 * target reached over a Vert.x WebSocket. {@link #close()} kills the browser with its helper
 * processes and deletes the profile, also when starting failed half-way. A missing browser is an
 * error, not a skip: CI installs it ({@code scripts/setup.sh}).
 */
public final class HeadlessChromium implements AutoCloseable {

  public static final Path BINARY = Path.of("/usr/bin/chromium");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

  private final Path profile;
  private final Process process;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonObject>> calls = new ConcurrentHashMap<>();
  private WebSocketClient client;
  private WebSocket page;

  private HeadlessChromium(Path profile, Process process) {
    this.profile = profile;
    this.process = process;
  }

  /** Starts the browser with a {@code width} x {@code height} viewport and attaches to its page. */
  public static HeadlessChromium start(Vertx vertx, int width, int height) throws Exception {
    return start(vertx, BINARY, width, height);
  }

  /** @throws IllegalStateException when {@code binary} is not there: a browser test fails, it never skips */
  static HeadlessChromium start(Vertx vertx, Path binary, int width, int height) throws Exception {
    if (!Files.isExecutable(binary)) {
      throw new IllegalStateException(binary + " is missing: the browser tests need Debian's chromium "
          + "(apt-get install -y chromium; scripts/setup.sh installs it)");
    }
    Path profile = Files.createTempDirectory("outflux-chromium-");
    List<String> command = List.of(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-dev-shm-usage", "--hide-scrollbars", "--window-size=" + width + "," + height,
        "--user-data-dir=" + profile, "--remote-debugging-port=0", "about:blank");
    ProcessBuilder builder = new ProcessBuilder(command);
    // its singleton socket and shared-memory files go to TMPDIR: keep them in the profile we delete
    Path tmp = Files.createDirectories(profile.resolve("tmp"));
    builder.environment().put("TMPDIR", tmp.toString());
    Process process = builder
        .redirectErrorStream(true)
        .redirectOutput(profile.resolve("chromium.log").toFile())
        .start();
    HeadlessChromium chromium = new HeadlessChromium(profile, process);
    try {
      chromium.attach(vertx, width, height);
      return chromium;
    } catch (Exception | Error e) {
      chromium.close();
      throw e;
    }
  }

  private void attach(Vertx vertx, int width, int height) throws Exception {
    int port = devToolsPort();
    String url = pageTarget(port);
    client = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxFrameSize(64 << 20)
        .setMaxMessageSize(64 << 20));
    // Chromium refuses DevTools WebSockets that carry an Origin it was not told to allow
    page = client.connect(new WebSocketConnectOptions().setAbsoluteURI(url).setAllowOriginHeader(false))
        .toCompletionStage().toCompletableFuture().get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    page.textMessageHandler(this::onMessage);
    page.closeHandler(v -> calls.values().forEach(f -> f.completeExceptionally(
        new IllegalStateException("the DevTools connection closed; browser log: " + log()))));
    call("Emulation.setDeviceMetricsOverride", new JsonObject().put("width", width).put("height", height)
        .put("deviceScaleFactor", 1).put("mobile", false));
  }

  private int devToolsPort() throws Exception {
    Path file = profile.resolve("DevToolsActivePort");
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("chromium exited with status " + process.exitValue() + ": " + log());
      }
      if (Files.exists(file)) {
        List<String> lines = Files.readAllLines(file);
        if (!lines.isEmpty() && !lines.get(0).isBlank()) {
          return Integer.parseInt(lines.get(0).trim());
        }
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("chromium wrote no " + file + " within " + START_TIMEOUT.toSeconds() + " s: " + log());
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
    Await.until(() -> evaluate("document.readyState"), "complete"::equals, CALL_TIMEOUT);
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

  /** The last lines of the browser's own output, for failure messages. */
  public String log() {
    try {
      List<String> lines = Files.readAllLines(profile.resolve("chromium.log"));
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    if (page != null && !page.isClosed()) {
      page.close();
    }
    if (client != null) {
      client.close();
    }
    // renderer, GPU and zygote helpers first, so none outlives the browser
    List<ProcessHandle> helpers = new ArrayList<>(process.descendants().toList());
    helpers.forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
      for (ProcessHandle h : helpers) {
        h.onExit().get(2, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      helpers.forEach(ProcessHandle::destroyForcibly);
    }
    deleteProfile();
  }

  private void deleteProfile() {
    try (Stream<Path> files = Files.walk(profile)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a leftover temp dir is not worth failing a test over
    }
  }
}
