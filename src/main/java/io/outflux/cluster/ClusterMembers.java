package io.outflux.cluster;

import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.ClusterManager;
import java.util.Optional;

/**
 * What this node knows of its cluster, through Vert.x's cluster manager (the only handle on it;
 * the SPI is public, reaching it goes through {@link VertxInternal}).
 */
public final class ClusterMembers {

  public static final String JOINED = "joined";
  public static final String STANDALONE = "standalone";
  /** Clustered, but the cluster manager is not (or no longer) a running member. */
  public static final String DETACHED = "not a member";

  private ClusterMembers() {
  }

  /** {@link #JOINED}, {@link #STANDALONE} or {@link #DETACHED}. */
  public static String state(Vertx vertx) {
    if (!vertx.isClustered()) {
      return STANDALONE;
    }
    return manager(vertx).filter(ClusterManager::isActive).isPresent() ? JOINED : DETACHED;
  }

  /** Members this node sees, itself included; empty when not clustered or not a member. */
  public static Optional<Integer> count(Vertx vertx) {
    return manager(vertx).filter(ClusterManager::isActive).map(m -> m.getNodes().size());
  }

  /**
   * Server nodes this node sees, itself included: data members only, so that a program that joined
   * as a Hazelcast lite member (to publish a flush, docs/cluster.md) does not count.
   */
  public static Optional<Integer> servers(Vertx vertx) {
    return manager(vertx).filter(ClusterManager::isActive).map(m -> {
      if (m instanceof io.vertx.spi.cluster.hazelcast.HazelcastClusterManager hz && hz.getHazelcastInstance() != null) {
        return (int) hz.getHazelcastInstance().getCluster().getMembers().stream().filter(x -> !x.isLiteMember()).count();
      }
      return m.getNodes().size();
    });
  }

  /** This node's id in the cluster, or "local" when not clustered. */
  public static String nodeId(Vertx vertx) {
    return manager(vertx).map(ClusterManager::getNodeId).orElse("local");
  }

  private static Optional<ClusterManager> manager(Vertx vertx) {
    if (vertx.isClustered() && vertx instanceof VertxInternal internal) {
      return Optional.ofNullable(internal.clusterManager());
    }
    return Optional.empty();
  }
}
