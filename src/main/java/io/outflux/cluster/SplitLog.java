package io.outflux.cluster;

import io.outflux.metrics.Human;
import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * What a node logs of its cluster's membership: a member that left (or stopped answering), one that
 * joined, this node entering or leaving a minority partition ({@link Quorum}), a merge after a
 * split. One line per event, with how long a split lasted once it heals. Thread-safe (Hazelcast
 * calls its listeners on its own threads); the clock (nanoseconds) is injected.
 */
public final class SplitLog {

  /** One log line; {@code warn} for what an operator should look at. */
  public record Line(boolean warn, String text) {
  }

  private final Quorum quorum;
  private final LongSupplier nanos;
  private Quorum.Verdict verdict;
  /** When this node first saw fewer members than it had (or than expected); -1: not split. */
  private long splitSince = -1;

  public SplitLog(Quorum quorum, int members, LongSupplier nanos) {
    this.quorum = quorum;
    this.nanos = nanos;
    this.verdict = quorum.of(members);
  }

  public synchronized Line left(String member, int members) {
    if (splitSince < 0) {
      splitSince = nanos.getAsLong();
    }
    Quorum.Verdict now = quorum.of(members);
    String text = "cluster: member " + member + " left or stopped answering; this node sees " + quorum.describe(members);
    if (now == Quorum.Verdict.MINORITY && verdict != Quorum.Verdict.MINORITY) {
      text += "; this node is in a minority partition (cut off, or it was frozen): /ready answers 503 until the"
          + " cluster merges";
    } else if (now == Quorum.Verdict.DEGRADED) {
      text += "; this side keeps the quorum";
    }
    verdict = now;
    return new Line(true, text);
  }

  public synchronized Line joined(String member, int members) {
    Quorum.Verdict now = quorum.of(members);
    String text = "cluster: member " + member + " joined; this node sees " + quorum.describe(members);
    if (verdict == Quorum.Verdict.MINORITY && now != Quorum.Verdict.MINORITY) {
      text += "; out of the minority partition" + healedAfter();
    } else if (now == Quorum.Verdict.COMPLETE && splitSince >= 0) {
      text += "; complete again" + healedAfter();
    }
    if (now == Quorum.Verdict.COMPLETE) {
      splitSince = -1;
    }
    verdict = now;
    return new Line(false, text);
  }

  /** Hazelcast found another part of the cluster and merges this node's part into it. */
  public synchronized Line merging() {
    return new Line(true, "cluster: split detected, this node's partition merges into the larger one"
        + " (its cluster maps are merged, other state discarded)");
  }

  /** The merge is done: this node is a member of the joined cluster. */
  public synchronized Line merged(int members) {
    Quorum.Verdict now = quorum.of(members);
    String text = "cluster: merged" + healedAfter() + "; this node sees " + quorum.describe(members);
    verdict = now;
    if (now == Quorum.Verdict.COMPLETE || !quorum.checked()) {
      splitSince = -1;
    }
    return new Line(false, text);
  }

  public synchronized Optional<Duration> splitFor() {
    return splitSince < 0 ? Optional.empty() : Optional.of(Duration.ofNanos(nanos.getAsLong() - splitSince));
  }

  private String healedAfter() {
    return splitFor().map(d -> " after " + Human.duration(d) + " apart").orElse("");
  }
}
