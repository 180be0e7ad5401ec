package io.outflux.batch;

import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * The body of a flush request on {@code outflux.client.flush} (JSON so that any sender, a test, the
 * admin endpoint or a script over a bridge, can build it): {@code {"timeoutMs": 30000, "force": false}}, all optional.
 * The reply is {@code {"lines": N, "batches": M, "offset": X}} once the server acknowledged every
 * line that was in the spool when the flush arrived; a failure carries one of the codes below.
 */
public final class FlushRequest {

  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  /** Failure code: not everything was acknowledged in time; the message says what is missing and why. */
  public static final int FAILED_TIMEOUT = 504;
  /** Failure code: the transport stopped sending (e.g. credentials refused); the message says why. */
  public static final int FAILED_BLOCKED = 503;

  /**
   * Failure code: the metered link is closed (outside its transfer windows, or its interface is
   * down) and will not open within the timeout; the message says when it opens. {@code force} sends anyway.
   */
  public static final int FAILED_LINK_CLOSED = 409;

  public static final String TIMEOUT_MS = "timeoutMs";
  /** {@code true}: send outside the transfer windows (and while link.interface is down); rate and quota still apply. */
  public static final String FORCE = "force";
  public static final String LINES = "lines";
  public static final String BATCHES = "batches";
  public static final String OFFSET = "offset";

  private FlushRequest() {
  }

  public static JsonObject of(Duration timeout) {
    return new JsonObject().put(TIMEOUT_MS, timeout.toMillis());
  }

  public static JsonObject of(Duration timeout, boolean force) {
    return of(timeout).put(FORCE, force);
  }

  public static boolean forceOf(Object body) {
    return body instanceof JsonObject json && Boolean.TRUE.equals(json.getValue(FORCE));
  }

  public static Duration timeoutOf(Object body) {
    if (body instanceof JsonObject json && json.getValue(TIMEOUT_MS) instanceof Number n && n.longValue() > 0) {
      return Duration.ofMillis(n.longValue());
    }
    return DEFAULT_TIMEOUT;
  }
}
