package io.outflux.influxd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Picks free loopback ports. There is an unavoidable race between closing our probe socket and
 * influxd binding the port; the caller retries with new ports when influxd fails to bind.
 */
final class FreePorts {

  /** Ports already handed out by this JVM, so two harnesses started together never collide. */
  private static final Set<Integer> ISSUED = ConcurrentHashMap.newKeySet();

  private FreePorts() {}

  static int next() {
    for (int i = 0; i < 50; i++) {
      int port = probe();
      if (ISSUED.add(port)) {
        return port;
      }
    }
    throw new IllegalStateException("could not find a free loopback port after 50 tries");
  }

  private static int probe() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open a loopback socket to find a free port", e);
    }
  }
}
