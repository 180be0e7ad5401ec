package io.outflux.admin;

import io.outflux.metrics.BacklogEstimate;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Assembles {@code GET /status} from the parts each stage answers on the event bus (spool, batch,
 * transport), and decides readiness from it. Pure: the admin verticle gathers, this shapes.
 */
public final class ClientStatus {

  /** The server counts as reachable when it answered a batch this recently; otherwise its /health is probed. */
  public static final Duration RECENT_CONTACT = Duration.ofSeconds(60);

  private ClientStatus() {
  }

  public static JsonObject merge(String clientId, JsonObject spool, JsonObject batch, JsonObject transport, Instant now) {
    JsonObject json = new JsonObject().put("clientId", clientId).put("time", now.toString());
    JsonObject sync = batch.getJsonObject("sync");
    if (sync != null) {
      json.put("sync", sync);
    }
    json.put("server", transport.getString("server"))
        .put("servers", transport.getJsonArray("servers", new JsonArray()))
        .put("connection", transport.getString("connection", "unknown"))
        .put("streaming", transport.getBoolean("streaming", false));
    copy(transport, json, "lastError", "lastErrorAt", "lastContactAt");
    BacklogEstimate whole = BacklogEstimate.of(batch.getLong("backlogLines", 0L), batch.getLong("backlogReadBytes", 0L),
        batch.getLong("backlogBytes", 0L), batch.getLong("linesAcked", 0L), batch.getLong("bytesAcked", 0L));
    json.put("backlog", new JsonObject()
        .put("lines", batch.getLong("backlogLines", 0L))
        .put("bytes", batch.getLong("backlogBytes", 0L))
        .put("readBytes", batch.getLong("backlogReadBytes", 0L))
        .put("linesTotal", whole.lines())
        .put("linesTotalEstimated", whole.estimated())
        .put("lagSeconds", batch.getDouble("lagSeconds", 0.0)));
    JsonObject lastAck = new JsonObject();
    String at = batch.getString("lastAckAt");
    if (at != null) {
      lastAck.put("at", at).put("secondsAgo", Duration.between(Instant.parse(at), now).toMillis() / 1000.0);
    }
    json.put("lastAck", lastAck);
    json.put("lines", new JsonObject()
        .put("read", batch.getLong("linesRead", 0L))
        .put("acked", batch.getLong("linesAcked", 0L))
        .put("bytesAcked", batch.getLong("bytesAcked", 0L))
        .put("batchesInFlight", batch.getInteger("batchesInFlight", 0))
        .put("syncedOffset", batch.getLong("syncedOffset", 0L)));
    json.put("deadLetter", new JsonObject()
        .put("file", spool.getString("deadLetterFile"))
        .put("records", spool.getLong("deadLetterRecords", -1L))
        .put("sinceStart", spool.getLong("deadLetteredSinceStart", 0L)));
    JsonObject spoolPart = new JsonObject()
        .put("path", spool.getString("spool"))
        .put("readable", spool.getBoolean("spoolReadable", false))
        .put("readOffset", spool.getLong("readOffset", 0L));
    copy(spool, spoolPart, "spoolProblem", "checkpointProblem", "diskProblem", "losses", "unaccountedFiles");
    json.put("spool", spoolPart);
    json.put("link", transport.getJsonObject("link", new JsonObject().put("limited", false)));
    copy(transport, json, "dictionary"); // with transport.compression zstd and a dictionary size
    List<String> errors = new ArrayList<>();
    for (JsonObject part : List.of(spool, batch, transport)) {
      Optional.ofNullable(part.getString("error")).ifPresent(errors::add);
    }
    if (!errors.isEmpty()) {
      json.put("errors", new JsonArray(errors));
    }
    return json;
  }

  /**
   * Reasons the client is not ready, from a merged status; empty = ready, unless the server must be
   * probed ({@link #needsProbe}).
   */
  public static List<String> notReadyReasons(JsonObject status) {
    List<String> reasons = new ArrayList<>();
    JsonObject spool = status.getJsonObject("spool", new JsonObject());
    if (!spool.getBoolean("readable", false)) {
      reasons.add(spool.getString("spoolProblem", "the spool's state is unknown"));
    }
    for (String key : List.of("checkpointProblem", "diskProblem")) {
      Optional.ofNullable(spool.getString(key)).ifPresent(reasons::add);
    }
    JsonObject losses = spool.getJsonObject("losses");
    if (losses != null && losses.getLong("unacknowledged", 0L) > 0) {
      reasons.add(losses.getString("summary", "spool data was lost") + " (outflux loss list; outflux loss ack)");
    }
    String connection = status.getString("connection", "unknown");
    if (connection.equals("auth_refused")) {
      reasons.add("sending is paused: " + status.getString("lastError", "credentials refused"));
    } else if (connection.equals("retrying")) {
      reasons.add("the server " + status.getString("server") + " is not accepting batches (retrying): "
          + status.getString("lastError", "?"));
    } else if (connection.equals("unknown")) {
      reasons.add("the transport did not answer");
    }
    status.getJsonArray("errors", new JsonArray()).forEach(e -> reasons.add(String.valueOf(e)));
    return reasons;
  }

  /** True when nothing recent shows the server reachable, so its /health should be asked. */
  public static boolean needsProbe(JsonObject status, Instant now) {
    String contact = status.getString("lastContactAt");
    return contact == null || Duration.between(Instant.parse(contact), now).compareTo(RECENT_CONTACT) > 0;
  }

  private static void copy(JsonObject from, JsonObject to, String... keys) {
    for (String k : keys) {
      if (from.containsKey(k)) {
        to.put(k, from.getValue(k));
      }
    }
  }
}
