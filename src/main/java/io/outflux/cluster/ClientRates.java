package io.outflux.cluster;

import java.util.HashMap;
import java.util.Map;

/**
 * Per client, the lines this node stored for it and how fast: {@link #stored} counts, {@link #sample}
 * turns the count since the previous sample into lines per second. The fleet view samples when it
 * rewrites a client's entry (at most once a second), so the rate is the average between two
 * updates. Node-local: a client that moves to another node starts a new count there. Not
 * thread-safe ({@link FleetView} guards it for the node's front instances); the caller passes the clock.
 */
public final class ClientRates {

  /** Above this many clients the table is cleared rather than grown (counts restart, rates recover in one update). */
  static final int MAX_CLIENTS = 100_000;

  /**
   * @param linesStored lines stored for the client through this node since the node first saw it
   * @param linesPerSecond lines stored per second since the previous sample; 0 at the first one
   */
  public record Rate(long linesStored, double linesPerSecond) {
  }

  private static final class Counts {
    long stored;
    long sampledStored;
    long sampledAtMs = -1;
  }

  private final Map<String, Counts> clients = new HashMap<>();

  /** A batch of the client was stored (or acknowledged as already stored): {@code lines} lines. */
  public void stored(String clientId, long lines) {
    if (lines > 0) {
      counts(clientId).stored += lines;
    }
  }

  /** The count so far and the rate since the previous sample, which this one replaces. */
  public Rate sample(String clientId, long nowMs) {
    Counts c = counts(clientId);
    double rate = 0;
    if (c.sampledAtMs >= 0 && nowMs > c.sampledAtMs) {
      rate = (c.stored - c.sampledStored) * 1000.0 / (nowMs - c.sampledAtMs);
    }
    c.sampledStored = c.stored;
    c.sampledAtMs = nowMs;
    return new Rate(c.stored, Math.round(rate * 10) / 10.0);
  }

  private Counts counts(String clientId) {
    Counts c = clients.get(clientId);
    if (c == null) {
      if (clients.size() >= MAX_CLIENTS) {
        clients.clear();
      }
      c = new Counts();
      clients.put(clientId, c);
    }
    return c;
  }
}
