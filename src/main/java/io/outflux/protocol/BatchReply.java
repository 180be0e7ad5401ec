package io.outflux.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The server's answer to an accepted batch: how many lines InfluxDB stored and which ones it refused
 * for good (parse errors, type conflicts), so the client dead-letters exactly those.
 *
 * <p>A reply is bounded whatever the batch held: it lists at most {@link #MAX_LISTED} refused lines
 * (and at most {@link #MAX_ECHO_BYTES} of their text); {@code unlisted} counts the refused lines
 * beyond those. The server lists its own refusals (reason starting with {@code invalid line
 * protocol}) first and in line order, so a client can find the unlisted ones itself by running the
 * same scanner over its batch: every line it refuses after the listed ones, plus every line longer
 * than {@code maxLineSize} (the server's {@code http.maxLineSize}, sent when {@code unlisted > 0}).
 */
public record BatchReply(long seq, long written, List<RejectedLine> rejected, long unlisted, long maxLineSize) {

  /** How the reason of every line the server's own validation refuses begins. */
  public static final String INVALID = "invalid line protocol";
  /** Refused lines named in one reply. */
  public static final int MAX_LISTED = 100;
  /** Bytes of refused lines' text echoed in one reply, all lines together. */
  public static final int MAX_ECHO_BYTES = 64 * 1024;

  public record RejectedLine(String line, String reason) {
  }

  public BatchReply(long seq, long written, List<RejectedLine> rejected) {
    this(seq, written, rejected, 0, 0);
  }

  /** Refused lines in total, listed or not. */
  public long rejectedCount() {
    return rejected.size() + unlisted;
  }

  public JsonObject toJson() {
    JsonArray rej = new JsonArray();
    rejected.forEach(r -> rej.add(new JsonObject().put("line", r.line()).put("reason", r.reason())));
    JsonObject json = new JsonObject().put("seq", seq).put("written", written).put("rejected", rej);
    if (unlisted > 0) {
      json.put("unlisted", unlisted).put("maxLineSize", maxLineSize);
    }
    return json;
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
      return new BatchReply(json.getLong("seq"), json.getLong("written", 0L), List.copyOf(rejected),
          Math.max(0, json.getLong("unlisted", 0L)), Math.max(0, json.getLong("maxLineSize", 0L)));
    } catch (ClassCastException | NullPointerException e) {
      throw new IllegalArgumentException("not a batch reply: " + json.encode(), e);
    }
  }
}
