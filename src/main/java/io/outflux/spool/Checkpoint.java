package io.outflux.spool;

import io.vertx.core.json.JsonObject;

/**
 * What the server has acknowledged: the spool position (file identity and offset) up to which
 * every line is stored centrally, and the sequence number of the last acknowledged batch (so
 * sequence numbers survive restarts). Files before {@code synced.file()} in rotation order are
 * wholly synced.
 */
public record Checkpoint(SpoolPosition synced, long lastAckedSeq) {

  public static final Checkpoint EMPTY = new Checkpoint(SpoolPosition.START, 0);
  static final int VERSION = 2;

  public JsonObject toJson() {
    SpoolPosition p = synced;
    return new JsonObject().put("version", VERSION)
        .put("file", new JsonObject().put("dev", p.file().dev()).put("ino", p.file().ino()).put("name", p.name()))
        .put("offset", p.offset())
        .put("tail", p.tail())
        .put("lastAckedSeq", lastAckedSeq);
  }

  /** Reads both formats; version 1 (offset only) has no file identity, so the spool is read again. */
  public static Checkpoint fromJson(JsonObject json) {
    long seq = json.getLong("lastAckedSeq", 0L);
    JsonObject file = json.getJsonObject("file");
    if (file == null) {
      return new Checkpoint(new SpoolPosition(json.getLong("offset")), seq);
    }
    FileId id = new FileId(file.getLong("dev"), file.getLong("ino"));
    return new Checkpoint(new SpoolPosition(id, file.getString("name", ""), json.getLong("offset"),
        json.getString("tail", "")), seq);
  }
}
