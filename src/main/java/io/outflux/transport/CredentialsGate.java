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
 * @param <A> one batch on its way
 */
final class CredentialsGate<A> {

  /** The transport's log: operators' filters (and tests) find these lines under TransportVerticle, as before. */
  private static final Logger log = LoggerFactory.getLogger(TransportVerticle.class);

  private final Vertx vertx;
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
    this.onBlocked = onBlocked;
    this.vertx = vertx;
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
    probeTimer = vertx.setTimer(interval.toMillis(), id -> probe());
  }

  /** A batch was accepted: if sending was stopped, it resumes with every held batch. */
  void accepted() {
    if (!blocked) {
      return;
    }
    log.info("the server accepts the credentials of {} again; sending resumes", principal);
    vertx.cancelTimer(probeTimer);
    probeTimer = -1;
    blocked = false;
    List<A> resume = new ArrayList<>(parked);
    parked.clear();
    resume.forEach(p -> resend.accept(p, false));
  }

  /** A flush asks: probe the refused credentials now rather than at the next interval. */
  void probeNow() {
    if (blocked && probeTimer >= 0) {
      vertx.cancelTimer(probeTimer);
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
