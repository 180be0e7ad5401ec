package io.outflux.influxd;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One JVM shutdown hook for all harness instances, so that no influxd outlives the JVM (tests
 * that fail, a demo stopped with Ctrl-C). It cannot help when the JVM itself is SIGKILLed.
 */
final class ChildReaper {

  private static final Set<InfluxdProcess> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(ChildReaper::reapAll, "influxd-reaper"));
  }

  private ChildReaper() {}

  static void track(InfluxdProcess p) {
    LIVE.add(p);
  }

  static void untrack(InfluxdProcess p) {
    LIVE.remove(p);
  }

  private static void reapAll() {
    for (InfluxdProcess p : LIVE) {
      try {
        p.shutdownNow();
      } catch (RuntimeException e) {
        // keep going: the other children must still be killed
        System.err.println("outflux: could not stop influxd " + p + ": " + e);
      }
    }
  }
}
