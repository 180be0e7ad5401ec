package io.outflux.batch;

import io.outflux.client.ClientBus;
import io.outflux.spool.SpoolPosition;
import io.outflux.transport.SendingFlush;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The flushes the batcher is working on ({@link FlushOrder}s from the tail): each waits until the
 * acknowledged prefix covers the spool position the tail fixed, then is answered with what was sent
 * meanwhile. Each is handed down to the transport ({@link ClientBus#FLUSH_SENDING}), which opens
 * the link for a forced one and is where a flush fails: link closed beyond the timeout (409),
 * credentials refused (503), or the timeout passed (504, with the transport's last problem). The
 * batcher never reads another stage's status to decide. Event-loop confined (the batcher's).
 */
final class PendingFlushes {

  private static final Logger log = LoggerFactory.getLogger(PendingFlushes.class);

  private static final class Flush {
    final long id;
    final Message<FlushOrder> request;
    final long linesAtStart;
    final long batchesAtStart;

    Flush(long id, Message<FlushOrder> request, long linesAtStart, long batchesAtStart) {
      this.id = id;
      this.request = request;
      this.linesAtStart = linesAtStart;
      this.batchesAtStart = batchesAtStart;
    }

    SpoolPosition target() {
      return request.body().target();
    }
  }

  private final Vertx vertx;
  /** What the batcher has acknowledged so far, for the answers: lines, batches (the last seq), the synced offset. */
  private final LongSupplier ackedLines;
  private final LongSupplier ackedBatches;
  private final LongSupplier syncedOffset;
  private final Predicate<SpoolPosition> reached;
  private final List<Flush> flushes = new ArrayList<>();
  private long nextId;

  PendingFlushes(Vertx vertx, LongSupplier ackedLines, LongSupplier ackedBatches, LongSupplier syncedOffset,
                 Predicate<SpoolPosition> reached) {
    this.vertx = vertx;
    this.ackedLines = ackedLines;
    this.ackedBatches = ackedBatches;
    this.syncedOffset = syncedOffset;
    this.reached = reached;
  }

  boolean any() {
    return !flushes.isEmpty();
  }

  int size() {
    return flushes.size();
  }

  /** A flush from the tail: answered at once when already covered, else held and handed down. */
  void add(Message<FlushOrder> request) {
    FlushOrder order = request.body();
    Flush flush = new Flush(nextId++, request, ackedLines.getAsLong(), ackedBatches.getAsLong());
    if (reached.test(order.target())) {
      answer(flush);
      return;
    }
    flushes.add(flush);
    log.info("{}flush requested: sending everything up to spool offset {} (synced up to {})",
        order.force() ? "forced " : "", order.target().offset(), syncedOffset.getAsLong());
    vertx.eventBus().request(ClientBus.FLUSH_SENDING, SendingFlush.start(flush.id, order.timeout(), order.force()),
            ClientBus.flushWait(order.timeout()))
        .onFailure(err -> {
          if (flushes.remove(flush)) {
            failed(flush, err);
          }
        });
  }

  /** Answers every flush whose target the acknowledged prefix covers now. */
  void completeReached() {
    flushes.removeIf(f -> {
      if (!reached.test(f.target())) {
        return false;
      }
      answer(f);
      FlushOrder order = f.request.body();
      vertx.eventBus().send(ClientBus.FLUSH_SENDING, SendingFlush.start(f.id, order.timeout(), order.force())
          .finished(), ClientBus.LOCAL);
      return true;
    });
  }

  private void answer(Flush f) {
    long lines = ackedLines.getAsLong() - f.linesAtStart;
    log.info("flush done: {} lines acknowledged by the server, synced up to offset {}", lines, syncedOffset.getAsLong());
    f.request.reply(new JsonObject()
        .put(FlushRequest.LINES, lines)
        .put(FlushRequest.BATCHES, ackedBatches.getAsLong() - f.batchesAtStart)
        .put(FlushRequest.OFFSET, syncedOffset.getAsLong()));
  }

  /** The transport failed the flush (or did not answer): the caller learns why. */
  private void failed(Flush f, Throwable err) {
    long timeoutMs = f.request.body().timeout().toMillis();
    String why = err.getMessage() == null ? "" : err.getMessage();
    if (err instanceof ReplyException r && r.failureType() == ReplyFailure.RECIPIENT_FAILURE
        && r.failureCode() != FlushRequest.FAILED_TIMEOUT) {
      f.request.fail(r.failureCode(), "not flushed: " + why + (r.failureCode() == FlushRequest.FAILED_LINK_CLOSED
          ? "; outflux flush --force (POST /flush?force=true) sends outside the windows" : ""));
      return;
    }
    if (err instanceof ReplyException r && r.failureType() == ReplyFailure.NO_HANDLERS) {
      f.request.fail(FlushRequest.FAILED_BLOCKED, "not flushed: no transport takes the flush ("
          + ClientBus.FLUSH_SENDING + ")");
      return;
    }
    String problem = err instanceof ReplyException r && r.failureType() == ReplyFailure.TIMEOUT
        ? "the transport did not answer" : why;
    f.request.fail(FlushRequest.FAILED_TIMEOUT, "not flushed within " + timeoutMs + " ms: synced up to offset "
        + syncedOffset.getAsLong() + " of " + f.target().offset() + (problem.isEmpty() ? "" : "; last problem: " + problem));
  }
}
