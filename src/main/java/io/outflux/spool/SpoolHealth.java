package io.outflux.spool;

import io.vertx.core.json.JsonObject;
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

  static JsonObject json(SpoolConfig config, Optional<String> problem, long readOffset) {
    JsonObject json = new JsonObject()
        .put("spool", config.path().toString())
        .put("spoolReadable", problem.isEmpty())
        .put("readOffset", readOffset);
    problem.ifPresent(p -> json.put("spoolProblem", p));
    return json;
  }
}
