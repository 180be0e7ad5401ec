package io.outflux.cli;

import static io.outflux.metrics.ProgressLine.bytes;
import static io.outflux.metrics.ProgressLine.count;

import io.outflux.metrics.BacklogEstimate;
import io.outflux.metrics.ProgressLine;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The human face of {@code GET /status}: one aligned line per subject, units a person reads. */
final class StatusFormat {

  private static final int LABEL_WIDTH = 12;

  private StatusFormat() {
  }

  static String format(JsonObject s, Instant now) {
    StringBuilder sb = new StringBuilder();
    JsonObject ready = s.getJsonObject("ready", new JsonObject());
    boolean isReady = ready.getBoolean("ready", false);
    line(sb, "client", s.getString("clientId") + (isReady ? "  (ready)" : "  (NOT READY)"));
    line(sb, "rule", rule(s.getJsonObject("sync", new JsonObject())));
    line(sb, "server", server(s, now));
    JsonObject backlog = s.getJsonObject("backlog", new JsonObject());
    BacklogEstimate whole = FlushProgress.estimate(backlog);
    line(sb, "backlog", whole.lineCount() + " (" + bytes(backlog.getLong("bytes", 0L)) + ")" + whole.note() + ", lag "
        + seconds(backlog.getDouble("lagSeconds", 0.0)));
    JsonObject lastAck = s.getJsonObject("lastAck", new JsonObject());
    line(sb, "last ack", lastAck.containsKey("at")
        ? lastAck.getString("at") + " (" + seconds(lastAck.getDouble("secondsAgo", 0.0)) + " ago)" : "none since the client started");
    JsonObject lines = s.getJsonObject("lines", new JsonObject());
    line(sb, "lines", "read " + count(lines.getLong("read", 0L)) + ", acknowledged " + count(lines.getLong("acked", 0L))
        + " (" + bytes(lines.getLong("bytesAcked", 0L)) + ") since the client started");
    JsonObject dead = s.getJsonObject("deadLetter", new JsonObject());
    long records = dead.getLong("records", -1L);
    line(sb, "dead letter", (records < 0 ? "unknown" : count(records)) + " records in " + dead.getString("file")
        + " (" + count(dead.getLong("sinceStart", 0L)) + " since the client started)");
    spool(sb, s.getJsonObject("spool", new JsonObject()));
    line(sb, "link", link(s.getJsonObject("link", new JsonObject()), now));
    JsonObject dictionary = s.getJsonObject("dictionary");
    if (dictionary != null) {
      line(sb, "dictionary", dictionary(dictionary));
    }
    JsonObject audit = s.getJsonObject("audit");
    if (audit != null && audit.getBoolean("enabled", false)) {
      line(sb, "audit", audit(audit));
      for (Object o : audit.getJsonArray("unrepairable", new JsonArray())) {
        JsonObject u = (JsonObject) o;
        line(sb, "", "UNREPAIRABLE " + u.getString("measurement") + " " + u.getString("from") + " .. " + u.getString("to")
            + ": " + u.getString("why"));
      }
    }
    line(sb, "ready", isReady ? "yes" : "no: " + String.join("; ", reasons(ready)));
    return sb.toString();
  }

  /** Lost spool data not acknowledged, and files in the spool directory the client cannot account for. */
  private static void spool(StringBuilder sb, JsonObject spool) {
    JsonObject losses = spool.getJsonObject("losses", new JsonObject());
    long open = losses.getLong("unacknowledged", 0L);
    if (open > 0) {
      line(sb, "lost", open + " loss(es) not acknowledged: " + bytes(losses.getLong("bytes", 0L)) + ", "
          + io.outflux.spool.LossLedger.linesText(open, losses.getLong("lines", 0L), losses.getLong("linesUnknown", open))
          + " (outflux loss list; outflux loss ack)");
    }
    for (Object o : spool.getJsonArray("unaccountedFiles", new JsonArray())) {
      JsonObject u = (JsonObject) o;
      line(sb, "unaccounted", u.getString("file") + " (" + bytes(u.getLong("bytes", 0L)) + ", left alone, not synced): "
          + u.getString("why"));
    }
  }

  /**
   * "zstd ID (16.0 KiB), the server: accepted; offered again N times since the client started (the server
   * had lost it)", or the training it waits for.
   */
  static String dictionary(JsonObject d) {
    StringBuilder sb = new StringBuilder();
    if (d.containsKey("id")) {
      sb.append("zstd ").append(d.getString("id")).append(" (").append(bytes(d.getLong("bytes", 0L))).append(")");
      if (d.getBoolean("training", false)) {
        sb.append(", retraining");
      }
      sb.append(", the server: ").append(d.getString("offer", "?"));
    } else {
      sb.append(d.getBoolean("training", false) ? "zstd, training" : "zstd, none yet: trained on the first 2 MiB of lines");
    }
    long reoffers = d.getLong("reoffers", 0L);
    sb.append("; offered again ").append(count(reoffers)).append(reoffers == 1 ? " time" : " times")
        .append(" since the client started (the server had lost it)");
    return sb.toString();
  }

  /** "verified up to T; windows checked N, differing N, repaired N, unrepairable N[; waiting: why][; error: ...]". */
  static String audit(JsonObject audit) {
    JsonObject w = audit.getJsonObject("windows", new JsonObject());
    StringBuilder sb = new StringBuilder(audit.containsKey("verifiedUpTo")
        ? "verified up to " + audit.getString("verifiedUpTo") : "not verified yet");
    sb.append("; windows checked ").append(count(w.getLong("checked", 0L))).append(", differing ")
        .append(count(w.getLong("differing", 0L))).append(", repaired ").append(count(w.getLong("repaired", 0L)))
        .append(", unrepairable ").append(count(w.getLong("unrepairable", 0L)));
    int repairing = audit.getJsonArray("repairing", new JsonArray()).size();
    if (repairing > 0) {
      sb.append(", ").append(repairing).append(" re-sent and waiting to be compared again");
    }
    if (audit.containsKey("waiting")) {
      sb.append("; waiting: ").append(audit.getString("waiting"));
    }
    if (audit.containsKey("error")) {
      sb.append("; ").append(audit.getString("error"));
    } else if (audit.containsKey("lastError")) {
      sb.append("; last cycle failed: ").append(audit.getString("lastError"));
    }
    return sb.toString();
  }

  static String rule(JsonObject sync) {
    String rule = sync.getString("rule", "?");
    StringBuilder sb = new StringBuilder(rule);
    if (rule.startsWith("interval")) {
      sb.append(" every ").append(ProgressLine.duration(Duration.ofMillis(parseMillis(sync.getString("interval", "0ms")))));
    }
    if (rule.endsWith("size")) {
      sb.append(rule.startsWith("interval") ? " or " : " ").append("at ").append(count(sync.getLong("sizeLines", 0L)))
          .append(" lines / ").append(bytes(sync.getLong("sizeBytes", 0L)));
    }
    sb.append(" (batches up to ").append(count(sync.getLong("maxBatchLines", 0L))).append(" lines / ")
        .append(bytes(sync.getLong("maxBatchSize", 0L))).append(", ").append(sync.getInteger("maxInFlight", 0))
        .append(" in flight)");
    return sb.toString();
  }

  private static String server(JsonObject s, Instant now) {
    StringBuilder sb = new StringBuilder(String.valueOf(s.getString("server")));
    String connection = s.getString("connection", "unknown");
    sb.append("  ");
    switch (connection) {
      case "connected":
        sb.append("connected");
        break;
      case "retrying":
        sb.append("retrying (last error: ").append(s.getString("lastError", "?")).append(")");
        break;
      case "auth_refused":
        sb.append("paused: ").append(s.getString("lastError", "credentials refused"));
        break;
      case "idle":
        sb.append("idle (nothing sent yet)");
        break;
      default:
        sb.append(connection);
    }
    String contact = s.getString("lastContactAt");
    if (contact != null) {
      sb.append(", last answer ").append(ago(Instant.parse(contact), now));
    }
    return sb.toString();
  }

  static String link(JsonObject link, Instant now) {
    if (!link.getBoolean("limited", false)) {
      return "not metered";
    }
    List<String> parts = new ArrayList<>();
    long rate = link.getLong("maxRate", 0L);
    parts.add(rate > 0 ? "max " + bytes(rate) + "/s" : "no rate limit");
    JsonArray windows = link.getJsonArray("windows", new JsonArray());
    if (!windows.isEmpty()) {
      StringBuilder w = new StringBuilder("windows ").append(String.join(", ", windows.getList()))
          .append(" (").append(link.getString("timeZone", "")).append("): ");
      if (link.getBoolean("inWindow", true)) {
        w.append("open");
        if (link.containsKey("windowCloses")) {
          w.append(" until ").append(when(link.getString("windowCloses"), now));
        }
      } else {
        w.append("closed, next opens ").append(when(link.getString("nextWindowOpens"), now));
      }
      if (link.getBoolean("windowsOverridden", false)) {
        w.append(" (overridden by a forced flush)");
      }
      parts.add(w.toString());
    }
    if (link.containsKey("interface")) {
      parts.add("interface " + link.getString("interface") + " " + (link.getBoolean("interfaceUp", false) ? "up" : "DOWN"));
    }
    if (link.containsKey("dailyQuota")) {
      parts.add("quota " + bytes(link.getLong("quotaUsed", 0L)) + " of " + bytes(link.getLong("dailyQuota")) + " used, "
          + bytes(link.getLong("quotaLeft", 0L)) + " left, resets " + when(link.getString("quotaResets"), now));
    }
    return String.join("; ", parts);
  }

  private static List<String> reasons(JsonObject ready) {
    List<String> reasons = new ArrayList<>();
    ready.getJsonArray("reasons", new JsonArray()).forEach(r -> reasons.add(String.valueOf(r)));
    return reasons.isEmpty() ? List.of("unknown") : reasons;
  }

  /** {@code 2026-11-30T01:00+01:00 (in 14 h 58 min)} */
  private static String when(String iso, Instant now) {
    if (iso == null) {
      return "?";
    }
    OffsetDateTime t = OffsetDateTime.parse(iso);
    Duration d = Duration.between(now, t.toInstant());
    return t + " (" + (d.isNegative() ? ProgressLine.duration(d.negated()) + " ago" : "in " + ProgressLine.duration(d)) + ")";
  }

  private static String ago(Instant t, Instant now) {
    return ProgressLine.duration(Duration.between(t, now)) + " ago";
  }

  private static String seconds(double s) {
    return s < 10 ? String.format(Locale.ROOT, "%.1f s", s) : ProgressLine.duration(Duration.ofMillis((long) (s * 1000)));
  }

  private static long parseMillis(String ms) {
    try {
      return Long.parseLong(ms.replace("ms", ""));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static void line(StringBuilder sb, String label, String value) {
    sb.append(String.format(Locale.ROOT, "%-" + LABEL_WIDTH + "s", label)).append(value).append('\n');
  }
}
