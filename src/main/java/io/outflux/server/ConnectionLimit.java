package io.outflux.server;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps the open connections of one front: beyond the cap a new connection is closed at once, so a
 * flood of connections cannot exhaust file descriptors or memory. Event-loop confined.
 *
 * <p>A connection a client abandons before sending anything still counts until the server notices
 * (at the latest after {@code http.idleTimeout}); Vert.x 5.0 may not run the close handler of such
 * connections at all, so the set is also swept by asking each channel, through Vert.x's internal
 * {@link ConnectionBase}, whenever the cap is reached.
 */
final class ConnectionLimit implements Handler<HttpConnection> {

  private static final Logger log = LoggerFactory.getLogger(ConnectionLimit.class);

  private final int max;
  private final Set<HttpConnection> open = new HashSet<>();
  private long lastWarning;

  ConnectionLimit(int max) {
    this.max = max;
  }

  @Override
  public void handle(HttpConnection connection) {
    if (open.size() >= max) {
      sweep();
    }
    if (open.size() >= max) {
      long now = System.nanoTime();
      if (now - lastWarning > 10_000_000_000L) {
        lastWarning = now;
        log.warn("refusing connection from {}: {} connections open (http.maxConnections)", connection.remoteAddress(), max);
      }
      connection.close();
      return;
    }
    open.add(connection);
    connection.closeHandler(v -> open.remove(connection));
  }

  /** Drops connections whose channel is gone. */
  void sweep() {
    for (Iterator<HttpConnection> it = open.iterator(); it.hasNext(); ) {
      HttpConnection c = it.next();
      if (c instanceof ConnectionBase base && !base.channel().isActive()) {
        it.remove();
      }
    }
  }

  int open() {
    return open.size();
  }
}
