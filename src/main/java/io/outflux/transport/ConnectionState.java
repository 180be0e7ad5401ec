package io.outflux.transport;

import io.outflux.batch.Batch;
import io.outflux.client.ClientMeters;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Instant;
import java.util.List;

/**
 * What the transport's attempts say about the link: the latest outcome, error and contact, and the
 * latest batch refused for good, for {@code outflux status} ({@link io.outflux.client.ClientBus#STATUS_TRANSPORT})
 * and the connection meter. Event-loop confined (the transport's).
 */
final class ConnectionState {

  private final ClientMeters meters;
  private ClientMeters.Connection connection = ClientMeters.Connection.IDLE;
  private String lastError;
  private Instant lastErrorAt;
  private Instant lastContactAt;
  /** The latest batch refused for good (quarantined): it stays visible after sending goes on. */
  private String lastRefusedForGood;

  ConnectionState(ClientMeters meters) {
    this.meters = meters;
  }

  /**
   * The latest attempt, made on {@code server}.
   *
   * @param answered the server answered (an ack or a refusal), as opposed to a retryable failure
   * @param error what went wrong, or null
   */
  void attempted(ClientMeters.Connection state, URI server, boolean answered, String error) {
    connection = state;
    meters.connection(state, server.toString());
    if (answered) {
      lastContactAt = Instant.now();
    }
    if (error != null) {
      lastError = error;
      lastErrorAt = Instant.now();
    }
  }

  void refusedForGood(Batch batch, String reason) {
    lastRefusedForGood = Instant.now() + ": batch " + batch.seq() + " (" + batch.lines() + " lines) refused for good: "
        + reason + "; its lines are in the dead-letter file";
  }

  /** The latest error while the link is not working; empty when it is. */
  String lastProblem() {
    return connection != ClientMeters.Connection.CONNECTED && lastError != null ? lastError : "";
  }

  JsonObject status(URI server, List<URI> servers, boolean streaming, JsonObject link) {
    JsonObject json = new JsonObject()
        .put("server", server.toString())
        .put("servers", servers.stream().map(URI::toString).toList())
        .put("connection", connection.label())
        .put("streaming", streaming);
    if (lastError != null && connection != ClientMeters.Connection.CONNECTED) {
      json.put("lastError", lastError).put("lastErrorAt", lastErrorAt.toString());
    }
    if (lastRefusedForGood != null) {
      json.put("lastRefusedForGood", lastRefusedForGood);
    }
    if (lastContactAt != null) {
      json.put("lastContactAt", lastContactAt.toString());
    }
    return json.put("link", link);
  }
}
