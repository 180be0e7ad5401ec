package io.outflux.spool;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Blocking checks behind the spool's part of {@code GET /status} and {@code GET /ready}: run them on a worker. */
final class SpoolHealth {

  private SpoolHealth() {
  }

  /**
   * Why the spool cannot be read, if it cannot: the file is there but unreadable, or it is not there
   * yet and its directory cannot be read (Telegraf has not written yet: that alone is fine).
   */
  static Optional<String> problem(Path spool) {
    if (Files.exists(spool)) {
      return Files.isReadable(spool) && Files.isRegularFile(spool) ? Optional.empty()
          : Optional.of("spool file " + spool + " is not a readable file");
    }
    Path dir = spool.toAbsolutePath().getParent();
    if (dir == null || !Files.isDirectory(dir) || !Files.isReadable(dir)) {
      return Optional.of("spool directory " + dir + " does not exist or is not readable");
    }
    return Optional.empty();
  }

  /** Records in a dead-letter file (one per line); 0 when it does not exist. */
  static long countRecords(Path file) {
    if (!Files.exists(file)) {
      return 0;
    }
    long n = 0;
    byte[] buf = new byte[64 * 1024];
    try (InputStream in = Files.newInputStream(file)) {
      for (int r = in.read(buf); r >= 0; r = in.read(buf)) {
        for (int i = 0; i < r; i++) {
          if (buf[i] == '\n') {
            n++;
          }
        }
      }
    } catch (IOException e) {
      return -1;
    }
    return n;
  }

  static JsonObject json(SpoolConfig config, Optional<String> problem, long deadLetterRecords, long deadLetteredNow,
                         long readOffset) {
    JsonObject json = new JsonObject()
        .put("spool", config.path().toString())
        .put("spoolReadable", problem.isEmpty())
        .put("readOffset", readOffset)
        .put("deadLetterFile", config.deadLetter().toString())
        .put("deadLetterRecords", deadLetterRecords)
        .put("deadLetteredSinceStart", deadLetteredNow);
    problem.ifPresent(p -> json.put("spoolProblem", p));
    return json;
  }
}
