package io.outflux.transport;

import io.outflux.batch.FlushRequest;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The transport's part of the flushes the batcher hands down ({@link SendingFlush}): each is held
 * until the batcher says it is done, or it fails here: the metered link stays closed beyond its
 * timeout (409, unless forced), the credentials are refused (503), or its timeout passes (504, with
 * the last problem). While a forced one is held the link's windows are open. Event-loop confined.
 */
final class SendingFlushes {

  /** What the flushes need of the transport. */
  interface Link {
    /** Why the metered link stays closed longer than {@code timeout}, if it does. */
    Optional<String> closedBeyond(Duration timeout);

    /** Ignore the transfer windows and the interface (true) or not any more (false). */
    void override(boolean on);

    /** Sending is paused on refused credentials: try them now rather than at the next interval. */
    void retryCredentialsNow();

    /** The latest reason sending is not going well; empty when it is. */
    String lastProblem();
  }

  private record Held(Message<SendingFlush> request, boolean force, long timer) {
  }

  private final Vertx vertx;
  private final Link link;
  private final Map<Long, Held> held = new HashMap<>();
  private boolean overridden;

  SendingFlushes(Vertx vertx, Link link) {
    this.vertx = vertx;
    this.link = link;
  }

  void on(Message<SendingFlush> request) {
    SendingFlush flush = request.body();
    if (flush.done()) {
      Held h = held.remove(flush.id());
      if (h != null) {
        vertx.cancelTimer(h.timer());
        h.request().reply(null);
      }
      overrideNow();
      return;
    }
    Optional<String> closed = flush.force() ? Optional.empty() : link.closedBeyond(flush.timeout());
    if (closed.isPresent()) {
      request.fail(FlushRequest.FAILED_LINK_CLOSED, closed.get());
      return;
    }
    long timer = vertx.setTimer(Math.max(1, flush.timeout().toMillis()), id -> timedOut(flush.id()));
    held.put(flush.id(), new Held(request, flush.force(), timer));
    overrideNow();
    link.retryCredentialsNow();
  }

  /** Sending stopped: the credentials are refused. No flush can complete. */
  void blocked(String reason) {
    held.values().forEach(h -> {
      vertx.cancelTimer(h.timer());
      h.request().fail(FlushRequest.FAILED_BLOCKED, reason);
    });
    held.clear();
    overrideNow();
  }

  private void timedOut(long id) {
    Held h = held.remove(id);
    if (h != null) {
      h.request().fail(FlushRequest.FAILED_TIMEOUT, link.lastProblem());
      overrideNow();
    }
  }

  private void overrideNow() {
    boolean on = held.values().stream().anyMatch(Held::force);
    if (on != overridden) {
      overridden = on;
      link.override(on);
    }
  }
}
