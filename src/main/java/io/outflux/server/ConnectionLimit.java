package io.outflux.server;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps open connections per server: beyond the cap a new connection is closed at once, so a flood
 * of abandoned connections cannot exhaust file descriptors or memory. Shared by every front
 * instance of the node, hence atomic.
 */
final class ConnectionLimit implements Handler<HttpConnection> {

  private static final Logger log = LoggerFactory.getLogger(ConnectionLimit.class);

  private final int max;
  private final AtomicInteger open = new AtomicInteger();
  private long lastWarning;

  ConnectionLimit(int max) {
    this.max = max;
  }

  @Override
  public void handle(HttpConnection connection) {
    if (open.incrementAndGet() > max) {
      open.decrementAndGet();
      long now = System.nanoTime();
      if (now - lastWarning > 10_000_000_000L) {
        lastWarning = now;
        log.warn("refusing connection from {}: {} connections open (http.maxConnections)", connection.remoteAddress(), max);
      }
      connection.close();
      return;
    }
    connection.closeHandler(v -> open.decrementAndGet());
  }

  int open() {
    return open.get();
  }
}
