package io.outflux.cluster;

import io.outflux.config.ConfigReader;
import java.time.Duration;

/**
 * Cluster-wide state of the server nodes (the same whether or not the node runs with
 * {@code -cluster}; alone, the maps are simply local to the node).
 *
 * @param dedupeTtl how long a stored batch is remembered so that its retry is acknowledged without
 *     writing it again; longer than the longest a client may keep retrying one batch is not needed,
 *     since a forgotten batch is merely written again (an overwrite of the same points)
 * @param fleetTtl how long a client that stopped talking stays in {@code GET /api/v1/clients}
 * @param flushTimeout how long {@code POST /api/v1/flush} waits for every node's count
 * @param fleetLiveWithin a client heard from within this shows {@code live} in the fleet view
 * @param fleetStaleAfter a client not heard from for longer than this shows {@code stale} (in
 *     between: {@code quiet}); set it above the longest {@code sync.interval} of the fleet
 * @param quorum how many nodes the cluster should have and how many a node must see to be ready
 */
public record ClusterConfig(Duration dedupeTtl, Duration fleetTtl, Duration flushTimeout, Duration fleetLiveWithin,
                            Duration fleetStaleAfter, Quorum quorum) {

  public ClusterConfig(Duration dedupeTtl, Duration fleetTtl, Duration flushTimeout) {
    this(dedupeTtl, fleetTtl, flushTimeout, FleetView.LIVE_WITHIN, FleetView.STALE_AFTER, Quorum.UNCHECKED);
  }

  public static final Duration DEFAULT_DEDUPE_TTL = Duration.ofHours(1);
  public static final Duration DEFAULT_FLEET_TTL = Duration.ofHours(24);
  public static final Duration DEFAULT_FLUSH_TIMEOUT = Duration.ofSeconds(5);
  /** A node rewrites a client's fleet entry at most this often. */
  public static final Duration FLEET_UPDATE_INTERVAL = Duration.ofSeconds(1);

  public static ClusterConfig from(ConfigReader r) {
    Duration live = r.duration("fleetLiveWithin", FleetView.LIVE_WITHIN, Duration.ofSeconds(1), Duration.ofHours(1));
    Duration stale = r.duration("fleetStaleAfter", FleetView.STALE_AFTER, Duration.ofSeconds(1), Duration.ofDays(7));
    if (stale.compareTo(live) < 0) {
      throw r.error("fleetStaleAfter", "must not be shorter than cluster.fleetLiveWithin (" + live.toSeconds() + " s)");
    }
    return new ClusterConfig(
        r.duration("dedupeTtl", DEFAULT_DEDUPE_TTL, Duration.ofSeconds(1), Duration.ofDays(7)),
        r.duration("fleetTtl", DEFAULT_FLEET_TTL, Duration.ofSeconds(1), Duration.ofDays(30)),
        r.duration("flushTimeout", DEFAULT_FLUSH_TIMEOUT, Duration.ofMillis(100), Duration.ofMinutes(5)), live, stale,
        quorum(r));
  }

  private static Quorum quorum(ConfigReader r) {
    int expected = r.integer("expectedSize", 0, 0, Quorum.MAX_SIZE);
    if (expected == 0) {
      if (r.has("quorum")) {
        throw r.error("quorum", "needs cluster.expectedSize (the number of nodes the cluster should have)");
      }
      return Quorum.UNCHECKED;
    }
    return new Quorum(expected, r.integer("quorum", Quorum.majorityOf(expected), 1, expected));
  }

  public static ClusterConfig defaults() {
    return new ClusterConfig(DEFAULT_DEDUPE_TTL, DEFAULT_FLEET_TTL, DEFAULT_FLUSH_TIMEOUT);
  }
}
