package io.outflux.cli;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** {@code outflux status}'s text for an admin {@code GET /status} answer, for tests of other packages. */
public final class StatusFormatAccess {

  private StatusFormatAccess() {
  }

  public static String format(JsonObject status) {
    return StatusFormat.format(status, Instant.now());
  }
}
