package io.outflux.transport;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Decides when one HTTP exchange with a server is given up: not after a total time (a large body
 * over a slow link may take minutes and still arrive), but when nothing moves. While the body is
 * being uploaded, every slice the connection takes is progress; once it is all sent, every byte of
 * the answer is. A server that is only busy (InfluxDB slow to write) sends nothing until it is done,
 * so a silent answer phase is checked with a health probe on a second connection: a server that
 * answers it is alive and waited for (up to {@code answerTimeout}); one that answers neither for
 * {@code stallTimeout} has stopped (frozen, partitioned) and the batch goes elsewhere.
 *
 * <p>"All sent" only means the local kernel took the last byte: on a slow link up to a send buffer
 * of it (and whatever the link's own queue holds) is still on its way, for tens of seconds when
 * several uploads share the link. So the answer timeout counts from the last sign that the body was
 * still moving ({@link #bodyMoving}): the server's interim answer saying it received more of it, or
 * another upload to the same server still being taken by the link.
 *
 * <p>Pure and single-threaded; the clock is injected (nanoseconds).
 */
public final class ProgressDeadline {

  /** What to do now. */
  public enum Verdict {
    /** things move, or it is too early to tell */
    WAIT,
    /** the answer is silent: ask the server's health endpoint (then report {@link #probeAnswered}) */
    PROBE,
    /** nothing moved for the stall timeout (or the answer took longer than the answer timeout): give up */
    STALLED
  }

  private final long stallNanos;
  private final long answerNanos;
  private final LongSupplier clock;
  private long lastProgress;
  private long uploadedAt = -1;
  /** The answer timeout counts from here: the body was all sent, or last seen moving after that. */
  private long answerFrom = -1;
  private long probeSentAt = -1;
  private String why = "";

  public ProgressDeadline(Duration stallTimeout, Duration answerTimeout, LongSupplier clock) {
    this.stallNanos = stallTimeout.toNanos();
    this.answerNanos = answerTimeout.toNanos();
    this.clock = clock;
    this.lastProgress = clock.getAsLong();
  }

  /** Bytes moved: a slice of the body was taken by the connection, or a part of the answer came. */
  public void progress() {
    lastProgress = clock.getAsLong();
  }

  /** The whole body is sent: from now on only the answer (or a health probe) is progress. */
  public void uploaded() {
    long now = clock.getAsLong();
    uploadedAt = now;
    answerFrom = now;
    lastProgress = now;
  }

  /**
   * The body is still on its way: the server said it received more of it (an interim answer), or
   * the link still takes other uploads to the same server (this body's tail may queue behind them).
   * The server is alive and the link moves; the answer timeout starts again.
   */
  public void bodyMoving() {
    long now = clock.getAsLong();
    lastProgress = now;
    probeSentAt = -1;
    if (uploadedAt >= 0) {
      answerFrom = now;
    }
  }

  /** The health probe was answered: the server is alive, just busy. */
  public void probeAnswered() {
    probeSentAt = -1;
    lastProgress = clock.getAsLong();
  }

  public Verdict check() {
    long now = clock.getAsLong();
    long silent = now - lastProgress;
    if (uploadedAt < 0) {
      if (silent >= stallNanos) {
        why = "the upload made no progress for " + Duration.ofNanos(stallNanos).toMillis() + " ms";
        return Verdict.STALLED;
      }
      return Verdict.WAIT;
    }
    if (now - answerFrom >= answerNanos) {
      why = "no answer within " + Duration.ofNanos(answerNanos).toMillis()
          + " ms (transport.requestTimeout) of the body's arrival";
      return Verdict.STALLED;
    }
    if (probeSentAt >= 0) {
      if (now - probeSentAt >= stallNanos) {
        why = "no answer, and no answer to a health check within " + Duration.ofNanos(stallNanos).toMillis() + " ms";
        return Verdict.STALLED;
      }
      return Verdict.WAIT;
    }
    if (silent >= stallNanos / 2) {
      probeSentAt = now;
      return Verdict.PROBE;
    }
    return Verdict.WAIT;
  }

  /** Why the last {@link Verdict#STALLED} was given. */
  public String reason() {
    return why;
  }
}
