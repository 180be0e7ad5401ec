package io.outflux.influxd;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * A raw HTTP answer from influxd, for callers (tests, demo) that want to see statuses as they are.
 *
 * @param errorHeader the X-Influxdb-Error header or null (influxd 1.6 does not send it on 401)
 */
public record InfluxdResponse(int status, String body, String errorHeader) {

  public boolean isSuccess() {
    return status / 100 == 2;
  }

  /** The "error" member of a JSON error body, else the header, else null. */
  public String error() {
    if (body != null && body.startsWith("{")) {
      try {
        String e = new JsonObject(body).getString("error");
        if (e != null) {
          return e;
        }
      } catch (DecodeException | ClassCastException ignored) {
        // not the usual {"error": "..."} shape; fall back to the header
      }
    }
    return errorHeader;
  }

  @Override
  public String toString() {
    return status + " " + (body == null || body.isEmpty() ? "(empty body)" : body.strip());
  }
}
