package io.outflux.spool;

import io.vertx.core.json.JsonObject;

/**
 * What the server has acknowledged: the spool offset up to which every line is stored centrally,
 * and the sequence number of the last acknowledged batch (so sequence numbers survive restarts).
 */
public record Checkpoint(SpoolPosition synced, long lastAckedSeq) {

  public static final Checkpoint EMPTY = new Checkpoint(SpoolPosition.START, 0);

  public JsonObject toJson() {
    return new JsonObject().put("version", 1).put("offset", synced.offset()).put("lastAckedSeq", lastAckedSeq);
  }

  public static Checkpoint fromJson(JsonObject json) {
    return new Checkpoint(new SpoolPosition(json.getLong("offset")), json.getLong("lastAckedSeq", 0L));
  }
}
