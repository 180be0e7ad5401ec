package io.outflux.meter;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;

/**
 * Whether a network interface is up: the seam between the metered link and the machine, so tests
 * can switch an interface on and off.
 */
@FunctionalInterface
public interface InterfaceState {

  /** How often the transport looks at the interface. */
  java.time.Duration POLL = java.time.Duration.ofSeconds(1);

  Future<Boolean> isUp(String name);

  /**
   * Reads {@code /sys/class/net/<name>/operstate} with Vert.x's asynchronous file system (never on
   * the event loop). {@code up} counts as up, and so does {@code unknown}: point-to-point devices
   * (ppp, tun, many LTE modems) report that while they carry traffic. Anything else ({@code down},
   * {@code dormant}, {@code lowerlayerdown}, the interface gone) is down.
   */
  static InterfaceState sysfs(Vertx vertx, Path root) {
    return name -> vertx.fileSystem().readFile(root.resolve(name).resolve("operstate").toString())
        .map(b -> isUpState(b.toString().trim()))
        .otherwise(false);
  }

  static boolean isUpState(String operstate) {
    return operstate.equals("up") || operstate.equals("unknown");
  }
}
