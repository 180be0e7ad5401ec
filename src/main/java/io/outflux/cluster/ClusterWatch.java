package io.outflux.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs the cluster's membership as this node sees it (members leaving and joining, a minority
 * partition, a merge after a split) through {@link SplitLog}, from Hazelcast's membership and
 * lifecycle events. The only class that knows the cluster manager is Hazelcast; without it (a
 * standalone node) it does nothing. One per node.
 */
public final class ClusterWatch implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ClusterWatch.class);

  private final HazelcastInstance hazelcast;
  private final SplitLog splits;
  private final UUID membershipId;
  private final UUID lifecycleId;

  private ClusterWatch(HazelcastInstance hazelcast, Quorum quorum) {
    this.hazelcast = hazelcast;
    int members = servers(hazelcast.getCluster().getMembers());
    this.splits = new SplitLog(quorum, members, System::nanoTime);
    this.membershipId = hazelcast.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent e) {
        if (e.getMember().isLiteMember()) {
          log.info("cluster: lite member {} joined (a program on the event bus, not a server node)", name(e.getMember()));
        } else {
          write(splits.joined(name(e.getMember()), servers(e.getMembers())));
        }
      }

      @Override
      public void memberRemoved(MembershipEvent e) {
        if (e.getMember().isLiteMember()) {
          log.info("cluster: lite member {} left", name(e.getMember()));
        } else {
          write(splits.left(name(e.getMember()), servers(e.getMembers())));
        }
      }
    });
    this.lifecycleId = hazelcast.getLifecycleService().addLifecycleListener(e -> {
      if (e.getState() == LifecycleEvent.LifecycleState.MERGING) {
        write(splits.merging());
      } else if (e.getState() == LifecycleEvent.LifecycleState.MERGED) {
        write(splits.merged(servers(hazelcast.getCluster().getMembers())));
      }
    });
    log.info("cluster: this node sees {}", quorum.describe(members));
  }

  /** Watches the node's Hazelcast cluster; empty when the node is not clustered with Hazelcast. */
  public static Optional<ClusterWatch> start(Vertx vertx, Quorum quorum) {
    if (vertx.isClustered() && vertx instanceof VertxInternal internal
        && internal.clusterManager() instanceof HazelcastClusterManager hz && hz.getHazelcastInstance() != null) {
      return Optional.of(new ClusterWatch(hz.getHazelcastInstance(), quorum));
    }
    return Optional.empty();
  }

  /** Data members: the server nodes (a lite member holds no partitions, it only uses the bus). */
  private static int servers(java.util.Set<Member> members) {
    return (int) members.stream().filter(m -> !m.isLiteMember()).count();
  }

  private static String name(Member member) {
    return member.getAddress().getHost() + ":" + member.getAddress().getPort();
  }

  private static void write(SplitLog.Line line) {
    if (line.warn()) {
      log.warn(line.text());
    } else {
      log.info(line.text());
    }
  }

  @Override
  public void close() {
    try {
      hazelcast.getCluster().removeMembershipListener(membershipId);
      hazelcast.getLifecycleService().removeLifecycleListener(lifecycleId);
    } catch (RuntimeException stopped) {
      // Hazelcast already shut down: its listeners went with it
    }
  }
}
