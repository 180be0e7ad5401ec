package io.outflux.spool;

import io.vertx.core.json.JsonObject;

/**
 * The checkpoint file's JSON. Version 2 is a single position; version 3 adds the two segments of a
 * newest-first catch-up and is written only while one runs, so a checkpoint outside a catch-up
 * stays readable by outflux releases that know only version 2. Version 1 (an offset without a file
 * identity) is still read: the spool is then read again from the start.
 */
final class CheckpointCodec {

  static final int SINGLE = 2;
  static final int SEGMENTED = 3;

  private CheckpointCodec() {
  }

  static JsonObject encode(Checkpoint c) {
    JsonObject json = position(new JsonObject().put("version", c.catchUp() == null ? SINGLE : SEGMENTED), c.synced())
        .put("lastAckedSeq", c.lastAckedSeq());
    if (c.seenSize() >= 0) {
      json.put("seenSize", c.seenSize());
    }
    if (c.catchUp() != null) {
      json.put("catchUp", new JsonObject()
          .put("boundary", position(new JsonObject(), c.catchUp().boundary()))
          .put("live", position(new JsonObject(), c.catchUp().live())));
    }
    return json;
  }

  static Checkpoint decode(JsonObject json) {
    long seq = json.getLong("lastAckedSeq", 0L);
    if (json.getJsonObject("file") == null) {
      return new Checkpoint(new SpoolPosition(json.getLong("offset")), seq);
    }
    JsonObject catchUp = json.getJsonObject("catchUp");
    Checkpoint.CatchUp segments = catchUp == null ? null
        : new Checkpoint.CatchUp(position(catchUp.getJsonObject("boundary")), position(catchUp.getJsonObject("live")));
    return new Checkpoint(position(json), seq, segments, json.getLong("seenSize", -1L));
  }

  private static JsonObject position(JsonObject into, SpoolPosition p) {
    return into.put("file", new JsonObject().put("dev", p.file().dev()).put("ino", p.file().ino()).put("name", p.name()))
        .put("offset", p.offset())
        .put("tail", p.tail());
  }

  private static SpoolPosition position(JsonObject json) {
    JsonObject file = json.getJsonObject("file");
    return new SpoolPosition(new FileId(file.getLong("dev"), file.getLong("ino")), file.getString("name", ""),
        json.getLong("offset"), json.getString("tail", ""));
  }
}
