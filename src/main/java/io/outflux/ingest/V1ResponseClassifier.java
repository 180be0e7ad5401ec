package io.outflux.ingest;

import io.outflux.protocol.BatchReply.RejectedLine;
import io.outflux.protocol.RejectList;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps InfluxDB 1.x /write answers to {@link WriteResult}. The behaviour it relies on was measured
 * on influxd 1.6.7 (docs/influxdb-1.6-notes.md): a 400 "partial write" has stored the good lines
 * and names each unparsable one as {@code unable to parse '<line>': <reason>}, one per text line;
 * a field type conflict names only a count ({@code dropped=N}); "retention policy not found" comes
 * as a 500 but will not heal by retrying.
 */
final class V1ResponseClassifier {

  private static final String UNABLE = "unable to parse '";
  private static final Pattern DROPPED = Pattern.compile("dropped=(\\d+)\\s*$");
  static final Duration RETRY_AFTER = Duration.ofSeconds(1);

  private V1ResponseClassifier() {
  }

  static WriteResult classify(int status, String error, long lineCount) {
    if (status / 100 == 2) {
      return new WriteResult.Written(lineCount, List.of());
    }
    if (status == 401 || status == 403) {
      return new WriteResult.AuthFailed(status, error);
    }
    if (status == 400) {
      return rejects(error, lineCount);
    }
    if (status == 500 && error.contains("retention policy not found")) {
      return new WriteResult.Failed(404, error);
    }
    if (status == 404 || status == 413) {
      return new WriteResult.Failed(status, error);
    }
    if (status >= 500 || status == 429 || status == 408) {
      return new WriteResult.Retryable("InfluxDB answered " + status + ": " + error, RETRY_AFTER);
    }
    return new WriteResult.Failed(status, error);
  }

  /** A 400: what InfluxDB names is refused; the rest of the lines were written. */
  static WriteResult rejects(String error, long lineCount) {
    RejectList rejected = new RejectList();
    long named = 0;
    long unnamed = 0;
    for (String part : error.split("\n")) {
      String text = part.startsWith("partial write: ") ? part.substring("partial write: ".length()) : part;
      Matcher dropped = DROPPED.matcher(text);
      long droppedCount = 0;
      if (dropped.find()) {
        droppedCount = Long.parseLong(dropped.group(1));
        text = text.substring(0, dropped.start()).trim();
      }
      if (text.startsWith(UNABLE)) {
        int end = text.lastIndexOf("': ");
        if (end > UNABLE.length() - 1) {
          rejected.add(new RejectedLine(text.substring(UNABLE.length(), end), text.substring(end + 3)));
          named++;
          continue;
        }
      }
      if (droppedCount > 0) {
        // e.g. a field type conflict: InfluxDB counts the dropped points but does not name them
        unnamed += droppedCount;
        rejected.add(new RejectedLine("", text + " (" + droppedCount + " points, not named by InfluxDB)"));
      }
    }
    if (rejected.isEmpty()) {
      // a 400 that names nothing (e.g. CRLF endings: every line "bad timestamp") refused the whole batch
      return new WriteResult.Written(0, List.of(new RejectedLine("", error + " (whole batch of " + lineCount + " lines)")));
    }
    long written = Math.max(0, lineCount - named - unnamed);
    return new WriteResult.Written(written, rejected.listed(), rejected.unlisted());
  }
}
