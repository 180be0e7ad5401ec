package io.outflux.transport;

import io.outflux.metrics.Human;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the batches while InfluxDB refuses the client's credentials (401/403): one clear error in
 * the log, then a single probe (one of the held batches) every {@code transport.authRetryInterval}
 * (or at once on a flush), in case the operator fixed the user centrally; once a batch is accepted
 * all the held ones go again. The spool keeps growing on disk meanwhile (the tail stops reading
 * when the window is full): nothing is dropped.
 *
 * <p>A probe whose attempt ends without a verdict on the credentials (split on a 413, refused for
 * good) is reported with {@link #probeEnded}: the next held batch probes at the next interval.
 * Before, the gate went on waiting for a verdict that never came and the held batches stayed held
 * for good.
 *
 * @param <A> one batch on its way
 */
final class CredentialsGate<A> {

  /** The transport's log: operators' filters (and tests) find these lines under TransportVerticle, as before. */
  private static final Logger log = LoggerFactory.getLogger(TransportVerticle.class);

  /** The gate's timers: Vert.x's, or virtual ones in tests. */
  interface Timers {
    long set(Duration delay, Runnable task);

    void cancel(long id);

    static Timers of(Vertx vertx) {
      return new Timers() {
        @Override
        public long set(Duration delay, Runnable task) {
          return vertx.setTimer(delay.toMillis(), id -> task.run());
        }

        @Override
        public void cancel(long id) {
          vertx.cancelTimer(id);
        }
      };
    }
  }

  private final Timers timers;
  private final Duration interval;
  private final String principal;
  /** Sends a held batch again: {@code true} for the probe, {@code false} for the others once accepted. */
  private final BiConsumer<A, Boolean> resend;
  /** Told each time sending stops or stays stopped, with the reason (the held flushes fail with it). */
  private final Consumer<String> onBlocked;
  private final List<A> parked = new ArrayList<>();
  private boolean blocked;
  private long probeTimer = -1;

  CredentialsGate(Vertx vertx, Duration interval, String principal, BiConsumer<A, Boolean> resend,
                  Consumer<String> onBlocked) {
    this(Timers.of(vertx), interval, principal, resend, onBlocked);
  }

  CredentialsGate(Timers timers, Duration interval, String principal, BiConsumer<A, Boolean> resend,
                  Consumer<String> onBlocked) {
    this.onBlocked = onBlocked;
    this.timers = timers;
    this.interval = interval;
    this.principal = principal;
    this.resend = resend;
  }

  /** Sending is stopped: a batch that is not the probe waits here. */
  boolean blocked() {
    return blocked;
  }

  void hold(A attempt) {
    parked.add(attempt);
  }

  /** The server refused the credentials for {@code attempt}: hold it, log, and schedule the next probe. */
  void refused(A attempt, String reason) {
    parked.add(attempt);
    if (probeTimer >= 0) {
      return; // a probe is scheduled already
    }
    onBlocked.accept(reason);
    if (!blocked) {
      log.error("stopped sending: {}. The spool keeps growing on disk; trying again every {} (or at once on "
          + "outflux flush)", reason, Human.duration(interval));
    } else {
      log.warn("still refused: {}; trying again in {}", reason, Human.duration(interval));
    }
    blocked = true;
    probeTimer = timers.set(interval, this::probe);
  }

  /**
   * The probe's attempt ended without a verdict on the credentials (the batch was too large and is
   * split, or it was refused for good): another held batch probes at the next interval.
   */
  void probeEnded(String why) {
    if (!blocked || probeTimer >= 0) {
      return; // accepted meanwhile, or another refusal scheduled the next probe already
    }
    log.info("the probe of the credentials of {} ended without a verdict ({}); trying again with another held "
        + "batch in {}", principal, why, Human.duration(interval));
    probeTimer = timers.set(interval, this::probe);
  }

  /** A batch was accepted: if sending was stopped, it resumes with every held batch. */
  void accepted() {
    if (!blocked) {
      return;
    }
    log.info("the server accepts the credentials of {} again; sending resumes", principal);
    timers.cancel(probeTimer);
    probeTimer = -1;
    blocked = false;
    List<A> resume = new ArrayList<>(parked);
    parked.clear();
    resume.forEach(p -> resend.accept(p, false));
  }

  /** A flush asks: probe the refused credentials now rather than at the next interval. */
  void probeNow() {
    if (blocked && probeTimer >= 0) {
      timers.cancel(probeTimer);
      log.info("flush requested: trying the refused credentials of {} now", principal);
      probe();
    }
  }

  /** Sends one held batch to test the credentials; the others follow once it is acknowledged. */
  private void probe() {
    probeTimer = -1;
    if (parked.isEmpty()) {
      blocked = false;
      return;
    }
    log.info("trying the credentials of {} again", principal);
    resend.accept(parked.remove(0), true);
  }
}
