package io.outflux.cluster;

/**
 * How many nodes the cluster should have ({@code cluster.expectedSize}) and how many a node must
 * see, itself included, to be on the majority side of a split ({@code cluster.quorum}, by default
 * a strict majority of the expected size). With expected size 0 nothing is checked. A frozen or
 * cut-off node that sees fewer members than the quorum is in a minority partition: its
 * {@code /ready} answers 503 until the partition heals.
 *
 * @param expected nodes the cluster should have; 0: not checked
 * @param quorum members a node must see to be ready; 0 when not checked
 */
public record Quorum(int expected, int quorum) {

  public static final int MAX_SIZE = 256;
  public static final Quorum UNCHECKED = new Quorum(0, 0);

  /** What a node makes of the members it sees. */
  public enum Verdict {
    /** No expected size configured. */
    UNCHECKED,
    /** At least the expected number of members. */
    COMPLETE,
    /** Fewer than expected but at least the quorum: a node is missing, this side carries on. */
    DEGRADED,
    /** Fewer than the quorum: this node is cut off (or was frozen) and should not be used. */
    MINORITY
  }

  public Quorum {
    if (expected < 0 || expected > MAX_SIZE || (expected == 0) != (quorum == 0) || quorum > expected) {
      throw new IllegalArgumentException("quorum " + quorum + " of expected " + expected);
    }
  }

  public static int majorityOf(int expected) {
    return expected / 2 + 1;
  }

  public boolean checked() {
    return expected > 0;
  }

  public Verdict of(int members) {
    if (!checked()) {
      return Verdict.UNCHECKED;
    }
    if (members >= expected) {
      return Verdict.COMPLETE;
    }
    return members >= quorum ? Verdict.DEGRADED : Verdict.MINORITY;
  }

  /** "2 of 3 expected members (quorum 2)", or "2 members" when not checked. */
  public String describe(int members) {
    return checked() ? members + " of " + expected + " expected members (quorum " + quorum + ")"
        : members + " member(s)";
  }
}
