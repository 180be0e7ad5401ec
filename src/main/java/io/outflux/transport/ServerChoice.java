package io.outflux.transport;

import io.outflux.metrics.Human;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which server the next attempt goes to: the first in {@code servers} while it works, the next one
 * after a failed exchange (failover), and the first one again {@code transport.failbackAfter} after
 * leaving it (failback). Single-threaded; the clock is injected (nanoseconds).
 */
final class ServerChoice {

  /** The transport's log: operators' filters (and tests) find these lines under TransportVerticle, as before. */
  private static final Logger log = LoggerFactory.getLogger(TransportVerticle.class);

  private final List<URI> servers;
  private final Duration failbackAfter;
  private final LongSupplier clock;
  private int index;
  private long failedOverAt;

  ServerChoice(List<URI> servers, Duration failbackAfter, LongSupplier clock) {
    this.servers = servers;
    this.failbackAfter = failbackAfter;
    this.clock = clock;
  }

  /** The server for the next attempt (back to the first one once {@code failbackAfter} has passed). */
  URI next() {
    if (index != 0 && clock.getAsLong() - failedOverAt > failbackAfter.toNanos()) {
      log.info("trying the first server {} again after {} on {}", servers.get(0), Human.duration(failbackAfter),
          servers.get(index));
      index = 0;
    }
    return servers.get(index);
  }

  /** The server in use now, for the status. */
  URI current() {
    return servers.get(index);
  }

  /** An exchange with {@code failed} failed: move on to the next server, if it is still the one in use. */
  void failed(URI failed) {
    if (servers.size() > 1 && servers.get(index).equals(failed)) {
      index = (index + 1) % servers.size();
      failedOverAt = clock.getAsLong();
      log.warn("failing over from {} to {}", failed, servers.get(index));
    }
  }
}
