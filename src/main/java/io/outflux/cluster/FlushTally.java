package io.outflux.cluster;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * What a flush achieved on one node, or summed over the cluster: clients asked (over their control
 * channel, or over their stream if they have none), clients that answered in time that everything
 * they had was acknowledged, the lines they sent for it, and clients that answered they could not.
 */
public record FlushTally(long asked, long answered, long lines, long failed) {

  public static final FlushTally NONE = new FlushTally(0, 0, 0, 0);

  public FlushTally plus(FlushTally o) {
    return new FlushTally(asked + o.asked, answered + o.answered, lines + o.lines, failed + o.failed);
  }

  /** Clients asked without an answer to wait for (streams of clients without a control channel). */
  public static FlushTally askedOnly(long clients) {
    return new FlushTally(clients, 0, 0, 0);
  }

  public JsonObject toJson() {
    return new JsonObject().put("clientsAsked", asked).put("clientsAnswered", answered).put("linesSent", lines)
        .put("clientsFailed", failed);
  }

  public static FlushTally fromJson(JsonObject json) {
    return new FlushTally(json.getLong("clientsAsked", 0L), json.getLong("clientsAnswered", 0L),
        json.getLong("linesSent", 0L), json.getLong("clientsFailed", 0L));
  }

  public static FlushTally sum(List<FlushTally> parts) {
    return parts.stream().reduce(NONE, FlushTally::plus);
  }
}
