package io.outflux.cli;

import io.outflux.client.ClientConfig;
import io.outflux.ingest.InfluxBackendConfig;
import io.outflux.metrics.Human;
import io.outflux.protocol.ServerIdentity;
import io.outflux.protocol.WireProtocol;
import io.outflux.transport.InfluxTarget;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The network part of {@code outflux check}, with the client's own TLS settings (a Vert.x
 * WebClient, as the client uses): each server address answers, and as what (outflux, an InfluxDB,
 * something else); the credentials and the write permission on the target database, tried through
 * the server's {@link WireProtocol#CHECK_PATH}; on the server side, the InfluxDB it writes to.
 * Runs on the command's own thread and waits for each answer (never on an event loop).
 */
final class NetChecks implements AutoCloseable {

  private final Vertx vertx = Vertx.vertx();
  private final Duration timeout;

  NetChecks(Duration timeout) {
    this.timeout = timeout;
  }

  void servers(CheckReport report, ClientConfig config) {
    WebClient web = WebClient.create(vertx, config.transport().tls().apply(new WebClientOptions()
        .setConnectTimeout((int) timeout.toMillis()).setUserAgent("outflux-check")));
    try {
      for (URI server : config.transport().servers()) {
        if (outfluxServer(report, web, server)) {
          credentials(report, web, server, config.influx(), config.clientId());
        }
      }
    } finally {
      web.close();
    }
  }

  /** @return true when the address is an outflux server */
  private boolean outfluxServer(CheckReport report, WebClient web, URI server) {
    HttpResponse<Buffer> r;
    try {
      r = await(web.getAbs(base(server) + WireProtocol.HEALTH_PATH).timeout(timeout.toMillis()).send());
    } catch (Exception e) {
      report.fail("servers", server + " cannot be reached: " + message(e) + " (is the outflux server running there, "
          + "and the port open?)");
      return false;
    }
    var influx = ServerIdentity.influxDb(r::getHeader);
    if (influx.isPresent()) {
      report.fail("servers", server + ": " + influx.get());
      return false;
    }
    JsonObject health = json(r);
    if (r.statusCode() == 200 && WireProtocol.SERVICE_NAME.equals(health.getString("service"))) {
      report.ok("servers", server + " is an outflux server (" + health.getString("version", "?") + ")");
      return true;
    }
    if (r.statusCode() == 200 && "UP".equals(health.getString("status"))) {
      report.warn("servers", server + " answers like an older outflux server (its /health names no version)");
      return true;
    }
    report.fail("servers", server + " is something else: GET /health answered " + r.statusCode() + " "
        + Human.snippet(r.bodyAsString(), 120) + " (point servers at the outflux server, default port 8070)");
    return false;
  }

  private void credentials(CheckReport report, WebClient web, URI server, InfluxTarget target, String clientId) {
    String who = target.credentials().principal();
    var request = web.postAbs(base(server) + WireProtocol.CHECK_PATH)
        .addQueryParam(WireProtocol.PARAM_DB, target.database())
        .putHeader(WireProtocol.HEADER_CLIENT_ID, clientId)
        .putHeader("Authorization", target.credentials().authorizationHeader())
        .timeout(timeout.toMillis() * 3);
    if (!target.retentionPolicy().isEmpty()) {
      request.addQueryParam(WireProtocol.PARAM_RP, target.retentionPolicy());
    }
    HttpResponse<Buffer> r;
    try {
      r = await(request.send());
    } catch (Exception e) {
      report.fail("influx", server + ": the credential check did not answer: " + message(e));
      return;
    }
    String error = json(r).getString("error", Human.snippet(r.bodyAsString(), 200));
    switch (r.statusCode()) {
      case 200 -> {
        JsonObject answer = json(r);
        String db = answer.getString("database", target.database());
        report.ok("influx", who + " is accepted by the central InfluxDB and may write to database "
            + db + (target.retentionPolicy().isEmpty() ? "" : " (rp " + target.retentionPolicy() + ")")
            + (answer.containsKey("routedFrom") ? " (the server routes this client there; it asks for "
            + target.database() + ")" : ""));
        sites(report, answer, db);
      }
      case 401 -> report.fail("influx", "credentials refused by InfluxDB for " + who + ": " + error
          + " (check influx.username and influx.password)");
      case 403 -> report.fail("influx", who + " may not write to database " + target.database() + ": " + error
          + " (GRANT WRITE ON \"" + target.database() + "\" TO ... in the central InfluxDB)");
      case 404 -> report.fail("influx", (error.contains("page not found")
          ? "the server at " + server + " cannot check credentials (older outflux?)"
          : error + " (create it in the central InfluxDB, or fix influx.database / influx.retentionPolicy)"));
      case 429 -> report.warn("influx", "the server throttles this address after refused credentials: " + error);
      default -> report.fail("influx", "could not check (HTTP " + r.statusCode() + "): " + error);
    }
  }

  /** The server's site tag for this client, and a warning when it is off although other clients send to it. */
  private static void sites(CheckReport report, JsonObject answer, String db) {
    JsonObject tag = answer.getJsonObject("siteTag");
    long others = answer.getLong("otherClients", 0L);
    if (tag != null) {
      report.ok("sites", "the server tags every line of this client with " + tag.getString("name") + "="
          + tag.getString("value") + " in database " + db);
    } else if (others > 0) {
      report.warn("sites", "the server adds no site tag to database " + db + " and " + others + " other client"
          + (others == 1 ? "" : "s") + " send to it: clients writing the same series and timestamps to one database "
          + "(cloned edge boxes share host names) overwrite each other's points; ask for sites.tag on the server "
          + "(docs/cluster.md#one-shared-database-with-a-site-tag)");
    }
  }

  /** Server side: the InfluxDB at influx.url answers, and whether it checks credentials. */
  void influx(CheckReport report, InfluxBackendConfig influx) {
    WebClient web = WebClient.create(vertx, new WebClientOptions().setConnectTimeout((int) timeout.toMillis())
        .setUserAgent("outflux-check"));
    try {
      String url = base(influx.url());
      HttpResponse<Buffer> ping;
      try {
        ping = await(web.getAbs(url + (influx.version() == 1 ? "/ping" : "/health")).timeout(timeout.toMillis()).send());
      } catch (Exception e) {
        report.fail("influx.url", influx.url() + " cannot be reached: " + message(e) + " (is InfluxDB running there?)");
        return;
      }
      String version = ping.getHeader(ServerIdentity.INFLUXDB_VERSION_HEADER);
      if (ping.statusCode() / 100 != 2 || (influx.version() == 1 && version == null)) {
        report.fail("influx.url", influx.url() + " does not answer like an InfluxDB (" + ping.statusCode() + " "
            + Human.snippet(ping.bodyAsString(), 120) + ")");
        return;
      }
      report.ok("influx.url", "InfluxDB " + (version == null ? "" : version + " ") + "answers at " + influx.url());
      if (influx.version() == 1) {
        HttpResponse<Buffer> anonymous = await(web.getAbs(url + "/query").addQueryParam("q", "SHOW DATABASES")
            .timeout(timeout.toMillis()).send());
        if (anonymous.statusCode() == 200) {
          report.warn("influx.url", "InfluxDB at " + influx.url() + " has authentication off: every client is "
              + "admitted whatever its credentials (set auth-enabled = true in its [http] section)");
        } else {
          report.ok("influx.url", "InfluxDB checks credentials: clients are admitted by their InfluxDB user");
        }
      }
    } catch (Exception e) {
      report.warn("influx.url", "could not ask whether authentication is on: " + message(e));
    } finally {
      web.close();
    }
  }

  private <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(timeout.toMillis() * 4, TimeUnit.MILLISECONDS);
  }

  private static JsonObject json(HttpResponse<Buffer> r) {
    try {
      return r.bodyAsJsonObject() == null ? new JsonObject() : r.bodyAsJsonObject();
    } catch (RuntimeException e) {
      return new JsonObject();
    }
  }

  private static String message(Exception e) {
    Throwable t = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
    return Human.snippet(t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage(), 200);
  }

  private static String base(URI uri) {
    String s = uri.toString();
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
