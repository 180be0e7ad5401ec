package io.outflux.meter;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/** The metered link's part of {@code GET /status}, and the sentence that says why it is closed. */
public final class LinkStatusJson {

  private LinkStatusJson() {
  }

  public static JsonObject of(LinkMeter.Status s, LinkConfig config, boolean windowsOverridden) {
    JsonObject json = new JsonObject()
        .put("limited", true)
        .put("maxRate", config.maxRate())
        .put("windows", config.windows().stream().map(LinkConfig.Window::toString).collect(java.util.stream.Collectors.toList()))
        .put("timeZone", config.zone().getId())
        .put("open", s.open())
        .put("inWindow", s.inWindow())
        .put("windowsOverridden", windowsOverridden);
    config.networkInterface().ifPresent(name -> json.put("interface", name).put("interfaceUp", s.interfaceUp()));
    s.nextWindowOpens().ifPresent(t -> json.put("nextWindowOpens", iso(t)));
    s.windowCloses().ifPresent(t -> json.put("windowCloses", iso(t)));
    if (config.dailyQuota() > 0) {
      json.put("dailyQuota", config.dailyQuota()).put("quotaUsed", s.quotaUsed()).put("quotaLeft", s.quotaLeft());
      s.quotaResets().ifPresent(t -> json.put("quotaResets", iso(t)));
    }
    return json;
  }

  /** Why nothing may go now because of a window or the interface (not the rate or quota); empty when open. */
  public static Optional<String> closedReason(LinkMeter.Status s, LinkConfig config) {
    if (!s.inWindow()) {
      return Optional.of("outside the transfer windows " + config.windows() + " (link.windows); the next one opens at "
          + s.nextWindowOpens().map(LinkStatusJson::iso).orElse("?"));
    }
    if (!s.interfaceUp()) {
      return Optional.of("network interface " + config.networkInterface().orElse("?") + " is down (link.interface)");
    }
    return Optional.empty();
  }

  /**
   * From the transport's {@code link} status: why nothing could go for at least {@code timeout}
   * from {@code now} (a closed window that opens later than that, or the interface down); empty
   * when the link is open, overridden, or opens in time.
   */
  public static Optional<String> closedBeyond(JsonObject link, Instant now, Duration timeout) {
    if (link == null || !link.getBoolean("limited", false) || link.getBoolean("open", true)
        || link.getBoolean("windowsOverridden", false)) {
      return Optional.empty();
    }
    if (!link.getBoolean("inWindow", true)) {
      String next = link.getString("nextWindowOpens");
      Instant opens = next == null ? null : OffsetDateTime.parse(next).toInstant();
      if (opens != null && !opens.isAfter(now.plus(timeout))) {
        return Optional.empty();
      }
      return Optional.of("the transfer window is closed (link.windows " + link.getJsonArray("windows", new JsonArray()).encode()
          + ", " + link.getString("timeZone", "") + "); the next one opens at " + next
          + (opens == null ? "" : " (in " + io.outflux.metrics.ProgressLine.duration(Duration.between(now, opens)) + ")"));
    }
    return Optional.of("network interface " + link.getString("interface", "?") + " is down (link.interface)");
  }

  static String iso(ZonedDateTime t) {
    return t.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
  }
}
