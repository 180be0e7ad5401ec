package io.outflux.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The server's answer to an accepted batch: how many lines InfluxDB stored and which ones it refused
 * for good (parse errors, type conflicts), so the client dead-letters exactly those.
 */
public record BatchReply(long seq, long written, List<RejectedLine> rejected) {

  public record RejectedLine(String line, String reason) {
  }

  public JsonObject toJson() {
    JsonArray rej = new JsonArray();
    rejected.forEach(r -> rej.add(new JsonObject().put("line", r.line()).put("reason", r.reason())));
    return new JsonObject().put("seq", seq).put("written", written).put("rejected", rej);
  }

  /** @throws IllegalArgumentException when the body is not a batch reply */
  public static BatchReply fromJson(JsonObject json) {
    try {
      List<RejectedLine> rejected = new ArrayList<>();
      JsonArray arr = json.getJsonArray("rejected", new JsonArray());
      for (int i = 0; i < arr.size(); i++) {
        JsonObject r = arr.getJsonObject(i);
        rejected.add(new RejectedLine(r.getString("line", ""), r.getString("reason", "")));
      }
      return new BatchReply(json.getLong("seq"), json.getLong("written", 0L), List.copyOf(rejected));
    } catch (ClassCastException | NullPointerException e) {
      throw new IllegalArgumentException("not a batch reply: " + json.encode(), e);
    }
  }
}
