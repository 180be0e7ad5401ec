package io.outflux.batch;

import io.outflux.client.ClientBus;
import io.outflux.spool.SpoolPosition;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The flushes the batcher is working on: each waits until the acknowledged prefix covers the spool
 * position it was asked at, then is answered with what was sent meanwhile, or fails at its timeout.
 * While a forced flush waits, the transport is told to ignore the link's transfer windows.
 * Event-loop confined (the batcher's).
 */
final class PendingFlushes {

  private static final Logger log = LoggerFactory.getLogger(PendingFlushes.class);

  /** What the batcher has acknowledged so far, for the answers. */
  interface Acked {
    long lines();

    long batches();

    long syncedOffset();
  }

  private static final class Flush {
    final Message<Object> request;
    final SpoolPosition target;
    final long linesAtStart;
    final long batchesAtStart;
    final boolean force;
    long timer;

    Flush(Message<Object> request, SpoolPosition target, long linesAtStart, long batchesAtStart, boolean force) {
      this.request = request;
      this.target = target;
      this.linesAtStart = linesAtStart;
      this.batchesAtStart = batchesAtStart;
      this.force = force;
    }
  }

  private final Vertx vertx;
  private final Acked acked;
  private final Predicate<SpoolPosition> reached;
  /** Appended to a timeout's message: the last transport problem, if any. */
  private final Supplier<String> lastProblem;
  private final List<Flush> flushes = new ArrayList<>();
  private boolean linkOverridden;

  PendingFlushes(Vertx vertx, Acked acked, Predicate<SpoolPosition> reached, Supplier<String> lastProblem) {
    this.vertx = vertx;
    this.acked = acked;
    this.reached = reached;
    this.lastProblem = lastProblem;
  }

  boolean any() {
    return !flushes.isEmpty();
  }

  int size() {
    return flushes.size();
  }

  void add(Message<Object> request, SpoolPosition target, long timeoutMs, boolean force) {
    Flush flush = new Flush(request, target, acked.lines(), acked.batches(), force);
    flush.timer = vertx.setTimer(timeoutMs, id -> timedOut(flush, timeoutMs));
    flushes.add(flush);
    log.info("{}flush requested: sending everything up to spool offset {} (synced up to {})",
        force ? "forced " : "", target.offset(), acked.syncedOffset());
    completeReached(); // also tells the transport about a forced flush
  }

  /** Answers every flush whose target the acknowledged prefix covers now. */
  void completeReached() {
    try {
      flushes.removeIf(f -> {
        if (!reached.test(f.target)) {
          return false;
        }
        vertx.cancelTimer(f.timer);
        long lines = acked.lines() - f.linesAtStart;
        log.info("flush done: {} lines acknowledged by the server, synced up to offset {}", lines,
            acked.syncedOffset());
        f.request.reply(new JsonObject()
            .put(FlushRequest.LINES, lines)
            .put(FlushRequest.BATCHES, acked.batches() - f.batchesAtStart)
            .put(FlushRequest.OFFSET, acked.syncedOffset()));
        return true;
      });
    } finally {
      overrideLink();
    }
  }

  /** Sending stopped (e.g. refused credentials): no flush can complete. */
  void failAll(String reason) {
    for (Flush f : flushes) {
      vertx.cancelTimer(f.timer);
      f.request.fail(FlushRequest.FAILED_BLOCKED, "not flushed: " + reason);
    }
    flushes.clear();
    overrideLink();
  }

  private void timedOut(Flush flush, long timeoutMs) {
    if (!flushes.remove(flush)) {
      return;
    }
    flush.request.fail(FlushRequest.FAILED_TIMEOUT, "not flushed within " + timeoutMs + " ms: synced up to offset "
        + acked.syncedOffset() + " of " + flush.target.offset() + lastProblem.get());
    overrideLink();
  }

  /** Tells the transport whether a forced flush is running (it then ignores the transfer windows). */
  private void overrideLink() {
    boolean on = flushes.stream().anyMatch(f -> f.force);
    if (on != linkOverridden) {
      linkOverridden = on;
      vertx.eventBus().publish(ClientBus.LINK_OVERRIDE, on, ClientBus.UNBOUNDED_WAIT);
    }
  }
}
