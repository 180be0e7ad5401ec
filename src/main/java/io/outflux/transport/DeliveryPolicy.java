package io.outflux.transport;

import io.outflux.protocol.BatchReply;
import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * What to do with a batch after one attempt to send it: the transport's whole delivery policy, in
 * one pure place (clock and random source injected, see {@link Backoff}); {@link TransportVerticle}
 * only carries out the action. Nothing is dropped on a failure that may pass:
 * <ul>
 *   <li>acknowledged: {@link Action.Ack};
 *   <li>retryable (connection error, stalled exchange, 5xx, 429): {@link Action.Retry} after a
 *       backoff with full jitter (at least the server's Retry-After), on the next server;
 *   <li>credentials refused (401/403): {@link Action.Park} until the operator fixes them;
 *   <li>larger than the server's body limit (413): {@link Action.Split};
 *   <li>refused (unknown database, another 4xx): retried with backoff on the same server, since the
 *       fix (a CREATE DATABASE) is made outside and the data must wait for it; but a batch refused
 *       as a bad request (400) {@value #QUARANTINE_ATTEMPTS} times in a row over at least
 *       {@link #QUARANTINE_AFTER} can never be stored as it is: {@link Action.Quarantine} (its lines
 *       go to the dead-letter file with the reason and its slot is freed).
 * </ul>
 */
public final class DeliveryPolicy {

  /** A batch refused with 400 this many times in a row (and for {@link #QUARANTINE_AFTER}) is refused for good. */
  public static final int QUARANTINE_ATTEMPTS = 8;
  /** ... and for at least this long: a server being upgraded or misconfigured for minutes is waited for. */
  public static final Duration QUARANTINE_AFTER = Duration.ofMinutes(10);

  /** What the transport does next with the batch. */
  public sealed interface Action {
    /** The server stored the batch. */
    record Ack(BatchReply reply) implements Action {
    }

    /**
     * Send it again after {@code delay}.
     *
     * @param failOver on the next server in the list (the server or the path to it failed), rather
     *     than the same one (the server answered, and refused)
     * @param log worth a line in the log (the first failure, then sparsely: an outage of hours does
     *     not flood the log)
     */
    record Retry(Duration delay, boolean failOver, String reason, boolean log) implements Action {
    }

    /** The credentials are refused: hold the batch until they are accepted again. */
    record Park(int status, String reason) implements Action {
    }

    /** Larger than the server takes: the batch stage splits it and sends the parts. */
    record Split(String reason) implements Action {
    }

    /** Refused for good: its lines go to the dead-letter file with the reason; its slot is freed. */
    record Quarantine(String reason) implements Action {
    }
  }

  /**
   * One batch's history of attempts.
   *
   * @param failures attempts that failed so far
   * @param refusedSince clock reading at the first of the latest run of 400 answers, or -1
   * @param refusals the length of that run
   */
  public record Tries(int failures, long refusedSince, int refusals) {
    public static final Tries FIRST = new Tries(0, -1, 0);

    Tries failed() {
      return new Tries(failures + 1, -1, 0);
    }

    Tries refused(long now) {
      return new Tries(failures + 1, refusedSince < 0 ? now : refusedSince, refusals + 1);
    }
  }

  /** The action, and the batch's history with this attempt. */
  public record Decision(Action action, Tries tries) {
  }

  private final Backoff backoff;
  private final LongSupplier clock;
  private final int quarantineAttempts;
  private final long quarantineAfterNanos;

  /** @param clock nanoseconds (e.g. {@code System::nanoTime}) */
  public DeliveryPolicy(Backoff backoff, LongSupplier clock) {
    this(backoff, clock, QUARANTINE_ATTEMPTS, QUARANTINE_AFTER);
  }

  /** With other quarantine thresholds than {@link #QUARANTINE_ATTEMPTS} and {@link #QUARANTINE_AFTER} (tests). */
  DeliveryPolicy(Backoff backoff, LongSupplier clock, int quarantineAttempts, Duration quarantineAfter) {
    this.backoff = backoff;
    this.clock = clock;
    this.quarantineAttempts = quarantineAttempts;
    this.quarantineAfterNanos = quarantineAfter.toNanos();
  }

  public Decision decide(SendResult result, Tries tries) {
    if (result instanceof SendResult.Acked acked) {
      return new Decision(new Action.Ack(acked.reply()), tries);
    }
    if (result instanceof SendResult.AuthRejected rejected) {
      return new Decision(new Action.Park(rejected.status(), rejected.reason()), tries.failed());
    }
    if (result instanceof SendResult.Retryable r) {
      Tries next = tries.failed();
      return new Decision(retry(next, r.retryAfter(), true, r.reason()), next);
    }
    SendResult.Refused f = (SendResult.Refused) result;
    if (f.status() == 413) {
      return new Decision(new Action.Split(f.reason()), tries.failed());
    }
    String why = "the server refused the batch (HTTP " + f.status() + ": " + f.reason() + ")";
    if (f.status() != 400) {
      Tries next = tries.failed();
      return new Decision(retry(next, Optional.empty(), false, why), next);
    }
    long now = clock.getAsLong();
    Tries next = tries.refused(now);
    if (next.refusals() >= quarantineAttempts && now - next.refusedSince() >= quarantineAfterNanos) {
      return new Decision(new Action.Quarantine(why + ", " + next.refusals() + " times in a row over "
          + io.outflux.metrics.Human.duration(Duration.ofNanos(now - next.refusedSince()))), next);
    }
    return new Decision(retry(next, Optional.empty(), false, why), next);
  }

  private Action.Retry retry(Tries next, Optional<Duration> retryAfter, boolean failOver, String reason) {
    int n = next.failures();
    return new Action.Retry(backoff.delay(n, retryAfter), failOver, reason, n == 1 || Integer.bitCount(n) == 1);
  }
}
