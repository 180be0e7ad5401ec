package io.outflux.influxd;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks free loopback ports for processes started later (influxd, server nodes). Ports come from
 * below the kernel's ephemeral range: a port picked with bind(0) is in that range, and between our
 * probe and the child's bind the kernel may hand it to any outgoing connection or to a bind(0) of
 * the child itself (Vert.x's clustered event bus does one), which made a node fail with "Address
 * already in use". Below the range only another explicit bind can take it; callers still retry
 * when a child fails to bind.
 */
public final class FreePorts {

  /** Ports already handed out by this JVM, so two harnesses started together never collide. */
  private static final Set<Integer> ISSUED = ConcurrentHashMap.newKeySet();
  private static final int LOWEST = 10_000;

  private FreePorts() {}

  public static int next() {
    int below = ephemeralStart();
    for (int i = 0; i < 200; i++) {
      int port = ThreadLocalRandom.current().nextInt(LOWEST, below);
      if (!ISSUED.contains(port) && bindable(port) && ISSUED.add(port)) {
        return port;
      }
    }
    throw new IllegalStateException("could not find a free loopback port in " + LOWEST + "-" + below + " after 200 tries");
  }

  private static boolean bindable(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The first port of the kernel's ephemeral range (32768 on Linux by default). */
  private static int ephemeralStart() {
    try {
      String[] range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim().split("\\s+");
      int start = Integer.parseInt(range[0]);
      return start > LOWEST + 1_000 ? start : 32_768;
    } catch (IOException | RuntimeException e) {
      return 32_768;
    }
  }
}
