package io.outflux.server;

/**
 * Whether a request body still arrives fast enough, looked at once a tick: over each window of
 * {@code http.bodyTimeout} it must have moved at least {@code http.minBodyRate} bytes per second on
 * average. A client that trickles a byte every few seconds (slow loris) is cut off after one window;
 * a large body over a slow link is not, however long it takes in total.
 *
 * <p>Pure and single-threaded; times are passed in (milliseconds).
 */
final class BodyPace {

  /** What the last look found. */
  enum Verdict {
    /** bytes arrived since the last look */
    MOVED,
    /** nothing arrived since the last look, and the window is not over yet */
    STILL,
    /** the window ended with fewer bytes than the minimum rate: give up */
    TOO_SLOW
  }

  private final long windowMs;
  private final long minRate;
  private long windowStart;
  private long windowBytes;
  private long lastBytes;

  BodyPace(long windowMs, long minRate, long nowMs) {
    this.windowMs = windowMs;
    this.minRate = minRate;
    this.windowStart = nowMs;
  }

  /** @param bytesRead bytes of the body received so far */
  Verdict look(long bytesRead, long nowMs) {
    boolean moved = bytesRead > lastBytes;
    lastBytes = bytesRead;
    long elapsed = nowMs - windowStart;
    if (elapsed >= windowMs) {
      if ((bytesRead - windowBytes) * 1000 < minRate * elapsed) {
        return Verdict.TOO_SLOW;
      }
      windowStart = nowMs;
      windowBytes = bytesRead;
    }
    return moved ? Verdict.MOVED : Verdict.STILL;
  }

  /** A line for the 408 answer. */
  String reason() {
    return "request body slower than http.minBodyRate (" + minRate + " bytes/s) over http.bodyTimeout (" + windowMs
        + " ms)";
  }
}
