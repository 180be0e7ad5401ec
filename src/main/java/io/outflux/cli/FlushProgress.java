package io.outflux.cli;

import io.outflux.admin.AdminVerticle;
import io.outflux.metrics.BacklogEstimate;
import io.outflux.metrics.ProgressLine;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Shows how a flush is getting on while {@code outflux flush} waits for its answer: the client's
 * backlog from {@code GET /status}, the rate at which it is acknowledged and the time left. On a
 * terminal (or with {@code --progress}) one line is redrawn every second; otherwise, e.g. in a log,
 * a line is printed every {@value #PLAIN_EVERY_S} seconds once the flush takes longer than that.
 */
final class FlushProgress {

  private static final long PLAIN_EVERY_S = 2;

  private final AdminClient admin;
  private final PrintStream err;
  private final boolean live;
  private final ProgressLine line = ProgressLine.systemClock();
  private boolean drawn;

  FlushProgress(AdminClient admin, PrintStream err, boolean live) {
    this.admin = admin;
    this.err = err;
    this.live = live;
  }

  HttpResponse<String> until(CompletableFuture<HttpResponse<String>> answer) throws ExecutionException, InterruptedException {
    long every = live ? 1 : PLAIN_EVERY_S;
    try {
      while (true) {
        try {
          return answer.get(every, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
          show();
        }
      }
    } finally {
      if (drawn && live) {
        err.println();
      }
    }
  }

  /** The whole backlog: lines read and, estimated, the ones not read yet ({@code GET /status}). */
  static BacklogEstimate estimate(JsonObject backlog) {
    long read = backlog.getLong("lines", 0L);
    long total = backlog.getLong("linesTotal", read);
    return new BacklogEstimate(total, read, backlog.getBoolean("linesTotalEstimated", false));
  }

  private void show() {
    JsonObject status;
    try {
      HttpResponse<String> r = admin.get(AdminVerticle.STATUS_PATH, Duration.ofSeconds(2));
      if (r.statusCode() != 200) {
        return;
      }
      status = new JsonObject(r.body());
    } catch (Exception e) {
      return; // progress is a nicety: the flush's own answer says what went wrong
    }
    JsonObject lines = status.getJsonObject("lines", new JsonObject());
    JsonObject backlog = status.getJsonObject("backlog", new JsonObject());
    line.sample(lines.getLong("acked", 0L), lines.getLong("bytesAcked", 0L));
    String text = "flushing: " + line.format(estimate(backlog), backlog.getLong("bytes", 0L));
    if (!"connected".equals(status.getString("connection")) && status.containsKey("lastError")) {
      text += " [" + status.getString("connection") + ": " + status.getString("lastError") + "]";
    }
    if (live) {
      err.print("\r" + text + "\033[K");
    } else {
      err.println(text);
    }
    err.flush();
    drawn = true;
  }
}
