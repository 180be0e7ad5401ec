package io.outflux.server;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps the open connections of the node: beyond the cap a new connection is closed at once, so a
 * flood of connections cannot exhaust file descriptors or memory. The count is node-wide (shared by
 * every front instance, each of which has its own handler and set of connections); the set is
 * confined to the instance's event loop.
 *
 * <p>A connection a client abandons before sending anything still counts until the server notices
 * (at the latest after {@code http.idleTimeout}); Vert.x 5.0 may not run the close handler of such
 * connections at all, so the set is also swept by asking each channel, through Vert.x's internal
 * {@link ConnectionBase}, whenever the cap is reached.
 */
final class ConnectionLimit implements Handler<HttpConnection> {

  private static final Logger log = LoggerFactory.getLogger(ConnectionLimit.class);

  private final int max;
  private final AtomicInteger count;
  private final Set<HttpConnection> open = new HashSet<>();
  private long lastWarning;

  ConnectionLimit(int max) {
    this(max, new AtomicInteger());
  }

  /** @param count the node's open connections, shared with the other front instances */
  ConnectionLimit(int max, AtomicInteger count) {
    this.max = max;
    this.count = count;
  }

  @Override
  public void handle(HttpConnection connection) {
    if (count.get() >= max) {
      sweep();
    }
    if (count.incrementAndGet() > max) {
      count.decrementAndGet();
      long now = System.nanoTime();
      if (now - lastWarning > 10_000_000_000L) {
        lastWarning = now;
        log.warn("refusing connection from {}: {} connections open on this node (http.maxConnections)",
            connection.remoteAddress(), max);
      }
      connection.close();
      return;
    }
    open.add(connection);
    connection.closeHandler(v -> {
      if (open.remove(connection)) {
        count.decrementAndGet();
      }
    });
  }

  /** Drops connections whose channel is gone. */
  void sweep() {
    for (Iterator<HttpConnection> it = open.iterator(); it.hasNext(); ) {
      HttpConnection c = it.next();
      if (c instanceof ConnectionBase base && !base.channel().isActive()) {
        it.remove();
        count.decrementAndGet();
      }
    }
  }

  int open() {
    return count.get();
  }
}
