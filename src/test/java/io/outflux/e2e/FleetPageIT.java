package io.outflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.server.ServerVerticle;
import io.outflux.testing.Await;
import io.outflux.testing.CentralInflux;
import io.outflux.testing.HeadlessChromium;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet page in a real browser (Debian's chromium, headless, over the DevTools protocol) while
 * three clients sync: batches over HTTP, a stream, and a metered link working off a backlog. Saves
 * a screenshot to {@code target/fleet-page.png}, and to the path in {@code -Doutflux.screenshot}
 * (the README's {@code docs/fleet-page.png}).
 */
@ExtendWith(VertxExtension.class)
class FleetPageIT {

  @RegisterExtension
  static final CentralInflux central = CentralInflux.perTestClass();

  /** One Vert.x per client, as on separate machines: a client's event-bus addresses are per process. */
  private final List<Vertx> sites = new ArrayList<>();
  private final ScheduledExecutorService feeder = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stopClientsWhileTheirSpoolsStillExist() throws Exception {
    feeder.shutdownNow();
    feeder.awaitTermination(5, TimeUnit.SECONDS);
    for (Vertx site : sites) {
      site.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void thePageShowsEveryClientWithLiveNumbersAndALagChart(Vertx vertx, @TempDir Path dir) throws Exception {
    ServerVerticle server = Edge.deployServer(vertx, central, 0);
    int port = server.actualPort();
    Edge http = new Edge(central, "site_http", dir.resolve("http"));
    Edge stream = new Edge(central, "site_stream", dir.resolve("stream"));
    Edge lte = new Edge(central, "site_lte", dir.resolve("lte"));
    JsonObject httpConfig = http.clientConfig("interval", port);
    httpConfig.getJsonObject("sync").put("interval", "2s");
    JsonObject lteConfig = lte.clientConfig("interval", port);
    lteConfig.getJsonObject("sync").put("interval", "500ms").put("maxBatchLines", 100).put("maxInFlight", 1);
    lteConfig.getJsonObject("spool").put("readChunkLines", 100);
    lteConfig.put("link", new JsonObject().put("maxRate", "20KiB"));
    for (Edge e : List.of(http, stream, lte)) {
      Files.createDirectories(e.spool.getParent());
    }
    lte.append(4_000); // a backlog the metered link works off for the whole test
    startClient(httpConfig);
    startClient(stream.clientConfig("streaming", port));
    startClient(lteConfig);
    feeder.scheduleAtFixedRate(() -> {
      http.append(40);
      stream.append(15);
      lte.append(10);
    }, 0, 250, TimeUnit.MILLISECONDS);
    List<String> ids = List.of("edge-site_http", "edge-site_lte", "edge-site_stream");

    try (HeadlessChromium chromium = HeadlessChromium.start(vertx, 1600, 760)) { // wide enough for the last-error column
      chromium.navigate("http://127.0.0.1:" + port + "/");
      assertEquals("/fleet/", chromium.evaluate("location.pathname"), "/ redirects to the fleet page");
      // the fleet view answers InfluxDB admins only; the page sends what the tab keeps
      Await.until(() -> String.valueOf(chromium.evaluate("document.getElementById('status').textContent")),
          text -> text.contains("401"), Duration.ofSeconds(10));
      chromium.evaluate("sessionStorage.setItem('outflux.operator', btoa('" + CentralInflux.ADMIN + ":"
          + CentralInflux.ADMIN_PASSWORD + "')); location.reload(); true");

      Map<String, JsonObject> first = Await.until(() -> rows(chromium),
          rows -> ids.stream().allMatch(id -> rows.containsKey(id) && !rows.get(id).getString("lag").isEmpty()
              && !rows.get(id).getString("backlogLines").isEmpty()), Duration.ofSeconds(30));
      for (String id : ids) {
        JsonObject row = first.get(id);
        assertTrue(Double.parseDouble(row.getString("lag")) >= 0, row.encode());
        assertTrue(Long.parseLong(row.getString("backlogLines")) >= 0, row.encode());
        assertTrue(Long.parseLong(row.getString("backlogBytes")) >= 0, row.encode());
        assertFalse(row.getString("text").isBlank(), row.encode());
      }
      assertEquals("websocket", first.get("edge-site_stream").getString("transport"));
      assertEquals("http", first.get("edge-site_http").getString("transport"));
      // the client measures its spool's end once a second: the first report may show only the batch
      JsonObject behind = Await.until(() -> rows(chromium).get("edge-site_lte"),
          row -> Long.parseLong(row.getString("backlogBytes")) > 100_000, Duration.ofSeconds(20));
      assertTrue(Long.parseLong(behind.getString("backlogLines")) > 0, "the metered client is behind: " + behind.encode());

      // the numbers move: every syncing client stores more lines between two reads a few seconds apart
      Map<String, JsonObject> later = Await.until(() -> rows(chromium), rows -> ids.stream().allMatch(id ->
          Long.parseLong(rows.get(id).getString("linesStored")) > Long.parseLong(first.get(id).getString("linesStored"))
              && !rows.get(id).getString("lastSeen").equals(first.get(id).getString("lastSeen"))),
          Duration.ofSeconds(20));
      for (String id : ids) {
        assertEquals("live", later.get(id).getString("state"), later.get(id).encode());
        assertNotEquals("", later.get(id).getString("linesPerSecond"), later.get(id).encode());
      }
      assertTrue(ids.stream().anyMatch(id -> Double.parseDouble(later.get(id).getString("linesPerSecond")) > 0),
          "some client shows a throughput: " + later);

      // a site whose password was changed centrally: a refused row with the reason, for the screenshot too
      post(port, "edge-site_lab", CentralInflux.WRITER, "an-old-password", CentralInflux.DB, 401);
      JsonObject refused = Await.until(() -> rows(chromium).get("edge-site_lab"), r -> r != null, Duration.ofSeconds(10));
      assertEquals("refused", refused.getString("state"));

      // let the chart collect some history, then check it was drawn: a line per client, colored pixels
      // (about 15 s of history at one poll a second: enough for a readable screenshot)
      JsonObject chart = Await.until(
          () -> new JsonObject((String) chromium.evaluate("JSON.stringify(window.outfluxFleet)")),
          c -> c.getInteger("chartSeries") >= 3 && c.getInteger("chartPoints") >= 3 * 15, Duration.ofSeconds(40));
      assertEquals(0, chart.getInteger("errors"), chart.encode());
      long colored = ((Number) chromium.evaluate(COLORED_PIXELS)).longValue();
      assertTrue(colored > 500, "the lag lines are drawn: " + colored + " colored pixels");

      byte[] png = chromium.screenshot();
      save(png, Path.of("target", "fleet-page.png"));
      String wanted = System.getProperty("outflux.screenshot", "");
      if (!wanted.isBlank()) {
        save(png, Path.of(wanted));
      }

      // a client id that looks like markup never reaches the page: the server refuses it (400)
      String hostile = "<img src=x onerror=\"window.pwned=1\">";
      assertEquals(400, postWithClientId(port, hostile).statusCode());
      Map<String, JsonObject> now = rows(chromium);
      assertFalse(now.containsKey(hostile), now.toString());
      assertEquals(0L, ((Number) chromium.evaluate("document.querySelectorAll('#clients img, #legend img').length"))
          .longValue());
      assertEquals("undefined", chromium.evaluate("typeof window.pwned"));
    }
  }

  /**
   * Trouble shows: a sender whose credentials InfluxDB refuses and one writing to a database that
   * does not exist are "refused" rows with the reason (and never change a verified row), a client
   * JVM stopped with SIGTERM says goodbye and shows "stopped" with its version, one killed with
   * kill -9 (no goodbye) turns "quiet" and then "stale"; rows sort by a column
   * and filter by state; the sign-in form keeps the credentials in the tab only.
   */
  @Test
  void refusedStoppedAndVanishedClientsShowWithTheirReasonAndTheTableSortsAndFilters(Vertx vertx, @TempDir Path dir)
      throws Exception {
    // short state thresholds so a vanished client goes quiet and stale within the test
    ServerVerticle server = Edge.deployServer(vertx, central, 0, new JsonObject().put("cluster",
        new JsonObject().put("fleetLiveWithin", "2s").put("fleetStaleAfter", "8s")));
    int port = server.actualPort();
    Edge good = new Edge(central, "state_good", dir.resolve("good"));
    Edge gone = new Edge(central, "state_gone", dir.resolve("gone"));
    Files.createDirectories(good.spool.getParent());
    Files.createDirectories(gone.spool.getParent());
    JsonObject stopping = good.clientConfig("interval", port);
    stopping.getJsonObject("sync").put("interval", "200ms");
    good.append(100);
    gone.append(100);
    Process client = clientJvm(stopping, dir.resolve("good.log"));
    Process killed = clientJvm(gone.clientConfig("streaming", port), dir.resolve("gone.log"));
    try {
      Await.value(good::count, 100, Duration.ofSeconds(60));
      Await.value(gone::count, 100, Duration.ofSeconds(60));
    } finally {
      client.destroy(); // SIGTERM: flush, checkpoint, goodbye
      killed.destroyForcibly(); // SIGKILL: the server just stops hearing from it
      assertTrue(client.waitFor(60, TimeUnit.SECONDS), Files.readString(dir.resolve("good.log")));
      assertTrue(killed.waitFor(60, TimeUnit.SECONDS));
    }
    post(port, "state_wrong_pw", CentralInflux.WRITER, "not-the-password", CentralInflux.DB, 401);
    post(port, "state_no_db", CentralInflux.WRITER, CentralInflux.WRITER_PASSWORD, "state_missing_db", 404);

    try (HeadlessChromium chromium = HeadlessChromium.start(vertx, 1280, 720)) {
      chromium.navigate("http://127.0.0.1:" + port + "/fleet/");
      // the fleet view answers InfluxDB admins only: the page asks, and the form signs in
      Await.until(() -> chromium.evaluate("document.getElementById('login').hidden"), hidden -> Boolean.FALSE.equals(hidden),
          Duration.ofSeconds(10));
      chromium.evaluate("document.getElementById('login-user').value = '" + CentralInflux.ADMIN + "';"
          + "document.getElementById('login-password').value = '" + CentralInflux.ADMIN_PASSWORD + "';"
          + "document.getElementById('login').dispatchEvent(new Event('submit', {cancelable: true}))");
      Map<String, JsonObject> rows = Await.until(() -> rows(chromium), r -> r.containsKey("edge-state_good")
          && "stopped".equals(r.get("edge-state_good").getString("state")) && r.containsKey("state_wrong_pw")
          && r.containsKey("state_no_db"), Duration.ofSeconds(30));
      JsonObject stopped = rows.get("edge-state_good");
      assertFalse(stopped.getString("version").isBlank(), stopped.encode());
      assertEquals("refused", rows.get("state_wrong_pw").getString("state"));
      assertTrue(rows.get("state_wrong_pw").getString("lastError").contains("credentials refused by InfluxDB"),
          rows.get("state_wrong_pw").encode());
      assertTrue(rows.get("state_no_db").getString("lastError").contains("database not found: state_missing_db"),
          rows.get("state_no_db").encode());
      assertTrue(rows.get("state_wrong_pw").getString("text").contains("user edge"), "the claimed user is shown");

      // the killed client: quiet once nothing came for fleetLiveWithin, stale after fleetStaleAfter
      JsonObject quiet = Await.until(() -> rows(chromium).get("edge-state_gone"),
          r -> r != null && !"live".equals(r.getString("state")), Duration.ofSeconds(20));
      assertEquals("quiet", quiet.getString("state"), quiet.encode());
      JsonObject stale = Await.until(() -> rows(chromium).get("edge-state_gone"),
          r -> r != null && "stale".equals(r.getString("state")), Duration.ofSeconds(30));
      assertTrue(stale.getString("text").contains("stale"), stale.encode());

      chromium.evaluate("document.getElementById('filter').value = 'refused';"
          + "document.getElementById('filter').dispatchEvent(new Event('change'))");
      Map<String, JsonObject> refusedOnly = rows(chromium);
      assertTrue(refusedOnly.values().stream().allMatch(r -> r.getString("state").equals("refused")), refusedOnly.toString());
      assertEquals(2, refusedOnly.size(), refusedOnly.toString());
      chromium.evaluate("document.getElementById('filter').value = '';"
          + "document.getElementById('filter').dispatchEvent(new Event('change'))");
      chromium.evaluate("document.querySelector('th[data-sort=\"client\"]').click()"); // second click: descending
      JsonArray order = new JsonArray((String) chromium.evaluate("JSON.stringify(Array.from(document.querySelectorAll("
          + "'#clients tbody tr')).map(function (tr) { return tr.dataset.clientId; }))"));
      List<String> ids = new ArrayList<>();
      order.forEach(o -> ids.add((String) o));
      List<String> descending = new ArrayList<>(ids);
      descending.sort(java.util.Comparator.reverseOrder());
      assertEquals(descending, ids, "sorted by client id, descending");

      chromium.evaluate("document.getElementById('login-user').value = 'admin';"
          + "document.getElementById('login-password').value = 'pw';"
          + "document.getElementById('login').dispatchEvent(new Event('submit', {cancelable: true}))");
      JsonObject fleet = Await.until(() -> new JsonObject((String) chromium.evaluate("JSON.stringify(window.outfluxFleet)")),
          f -> f.getBoolean("authSent", false), Duration.ofSeconds(10));
      assertTrue(fleet.getBoolean("authSent"));
      assertEquals("YWRtaW46cHc=", chromium.evaluate("sessionStorage.getItem('outflux.operator')"));
      assertEquals(0L, ((Number) chromium.evaluate("localStorage.length")).longValue(), "nothing outlives the tab");
      assertEquals("", chromium.evaluate("document.cookie"));
    }
  }

  /** A client in its own JVM from the built jar, as deployed. */
  private static Process clientJvm(JsonObject config, Path log) throws Exception {
    Path conf = Files.writeString(log.resolveSibling(log.getFileName() + ".json"), config.encodePrettily());
    return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
        "-jar", System.getProperty("outflux.jar", "target/outflux.jar"), "client", "-conf", conf.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  private static void post(int port, String clientId, String user, String password, String db, int expected)
      throws Exception {
    String auth = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/api/v1/batches?db=" + db))
        .header("Authorization", "Basic " + auth).header("Outflux-Client-Id", clientId).header("Outflux-Seq", "1")
        .POST(HttpRequest.BodyPublishers.ofString("cpu,host=x v=1 1700000000000000000\n")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(expected, r.statusCode(), r.body());
  }

  @Test
  void thePageIsServedFromTheJarWithAStrictContentSecurityPolicy(Vertx vertx) throws Exception {
    int port = Edge.deployServer(vertx, central, 0).actualPort();
    HttpClient client = HttpClient.newHttpClient();
    HttpResponse<String> redirect = get(client, port, "/fleet");
    assertEquals(302, redirect.statusCode());
    assertEquals("/fleet/", redirect.headers().firstValue("Location").orElse(""));
    HttpResponse<String> page = get(client, port, "/fleet/");
    assertEquals(200, page.statusCode());
    assertTrue(page.body().contains("<script src=\"fleet.js\">"), page.body());
    assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").contains("script-src 'self'"));
    HttpResponse<String> script = get(client, port, "/fleet/fleet.js");
    assertEquals(200, script.statusCode());
    assertTrue(script.headers().firstValue("Content-Type").orElse("").contains("javascript"), script.headers().toString());
    assertFalse(script.body().contains("innerHTML"), "client data goes through textContent only");
    assertEquals(404, get(client, port, "/fleet/../../pom.xml").statusCode());
  }

  private void startClient(JsonObject config) throws Exception {
    Vertx site = Vertx.vertx();
    sites.add(site);
    Edge.deployClient(site, config);
  }

  /** The table as the page shows it: per client id, its row's data attributes and text. */
  private static Map<String, JsonObject> rows(HeadlessChromium chromium) throws Exception {
    JsonArray rows = new JsonArray((String) chromium.evaluate("JSON.stringify(Array.from("
        + "document.querySelectorAll('#clients tbody tr')).map(function (tr) {"
        + "  return Object.assign({text: tr.textContent}, tr.dataset); }))"));
    Map<String, JsonObject> byId = new TreeMap<>();
    for (int i = 0; i < rows.size(); i++) {
      byId.put(rows.getJsonObject(i).getString("clientId"), rows.getJsonObject(i));
    }
    return byId;
  }

  /** Pixels of the chart whose color is not a shade of gray: the series, never the grid or text. */
  private static final String COLORED_PIXELS = "(function () {"
      + "  var c = document.getElementById('lag-chart');"
      + "  var d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
      + "  var n = 0;"
      + "  for (var i = 0; i < d.length; i += 4) {"
      + "    if (d[i + 3] > 0 && (Math.abs(d[i] - d[i + 1]) > 40 || Math.abs(d[i + 1] - d[i + 2]) > 40)) n++;"
      + "  }"
      + "  return n; })()";

  /** A batch from a sender whose client id looks like markup. */
  private static HttpResponse<String> postWithClientId(int port, String clientId) throws Exception {
    String auth = Base64.getEncoder().encodeToString((CentralInflux.WRITER + ":" + CentralInflux.WRITER_PASSWORD)
        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/api/v1/batches?db=" + CentralInflux.DB))
        .header("Authorization", "Basic " + auth)
        .header("Outflux-Client-Id", clientId)
        .header("Outflux-Seq", "1")
        .header("Outflux-Lag-Seconds", "0.5")
        .header("Outflux-Backlog-Lines", "3")
        .POST(HttpRequest.BodyPublishers.ofString("cpu,host=odd v=1 1700000000000000000\n")).build(),
        HttpResponse.BodyHandlers.ofString());
    return r;
  }

  private static HttpResponse<String> get(HttpClient client, int port, String path) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static void save(byte[] png, Path to) throws Exception {
    Path absolute = to.toAbsolutePath();
    Files.createDirectories(absolute.getParent());
    Files.write(absolute, png);
  }
}
