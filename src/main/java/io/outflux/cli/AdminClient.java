package io.outflux.cli;

import io.outflux.admin.AdminToken;
import io.outflux.admin.AdminVerticle;
import io.outflux.client.ClientConfig;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/** The CLI's side of the client's admin endpoint: where it is (from the client config) and plain requests to it. */
final class AdminClient {

  private final URI base;
  private final String clientId;
  private final java.nio.file.Path tokenFile;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private AdminClient(URI base, String clientId, java.nio.file.Path tokenFile) {
    this.base = base;
    this.clientId = clientId;
    this.tokenFile = tokenFile;
  }

  /** @return empty after printing why to {@code err} (the admin endpoint is disabled) */
  static Optional<AdminClient> of(ClientConfig config, String conf, String command, PrintStream err) {
    if (!config.admin().enabled()) {
      err.println("outflux " + command + ": admin.enabled is false in " + conf + ": the client has no admin endpoint to ask");
      return Optional.empty();
    }
    String host = config.admin().host().equals("0.0.0.0") ? "127.0.0.1" : config.admin().host();
    URI base = URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + config.admin().port());
    return Optional.of(new AdminClient(base, config.clientId(), AdminToken.pathFor(config.spool().checkpoint())));
  }

  /** {@code host:port}, for messages. */
  String address() {
    return base.getHost() + ":" + base.getPort();
  }

  URI uri(String pathAndQuery) {
    return URI.create(base + pathAndQuery);
  }

  /** A read: the endpoint needs no token for it, but it is sent when readable (one rule for every call). */
  HttpResponse<String> get(String path, Duration timeout) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(timeout).GET();
    try {
      request.header(AdminToken.HEADER, AdminToken.read(tokenFile));
    } catch (IOException notReadable) {
      // status and health are open to local readers; only a POST must prove it may act
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A state-changing call: carries the token the running client wrote beside its checkpoint. */
  HttpResponse<String> post(String pathAndQuery, Duration timeout) throws IOException, InterruptedException {
    return http.send(postRequest(pathAndQuery, timeout), HttpResponse.BodyHandlers.ofString());
  }

  /** The request of {@link #post}, for callers that send it themselves (asynchronously). */
  HttpRequest postRequest(String pathAndQuery, Duration timeout) throws IOException {
    String token;
    try {
      token = AdminToken.read(tokenFile);
    } catch (IOException e) {
      throw new IOException("cannot read the client's admin token " + tokenFile + " (" + e.getMessage()
          + "): run this as the user that runs the client, with the same config", e);
    }
    return HttpRequest.newBuilder(uri(pathAndQuery)).POST(HttpRequest.BodyPublishers.noBody()).timeout(timeout)
        .header(AdminToken.HEADER, token).build();
  }

  /**
   * Another client's endpoint on that port would answer for the wrong spool: check the id first.
   *
   * @return the problem, printed already; empty when the endpoint is this config's client
   */
  Optional<String> checkClient(String command, PrintStream err) {
    try {
      HttpResponse<String> r = get(AdminVerticle.HEALTH_PATH, Duration.ofSeconds(10));
      String id = r.statusCode() == 200 ? new JsonObject(r.body()).getString("clientId") : null;
      if (!clientId.equals(id)) {
        return report(err, "outflux " + command + ": the admin endpoint " + address() + " is not client " + clientId
            + " (it answered " + r.statusCode() + " " + r.body() + ")");
      }
      return Optional.empty();
    } catch (IOException | DecodeException e) {
      return report(err, unreachable(command, e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted");
    }
  }

  String unreachable(String command, Exception e) {
    return "outflux " + command + ": cannot reach the client's admin endpoint " + address() + " (" + e
        + "); is the client running with this config?";
  }

  private static Optional<String> report(PrintStream err, String message) {
    err.println(message);
    return Optional.of(message);
  }

  static JsonObject json(String body) {
    try {
      return new JsonObject(body);
    } catch (DecodeException e) {
      return new JsonObject().put("error", body);
    }
  }
}
