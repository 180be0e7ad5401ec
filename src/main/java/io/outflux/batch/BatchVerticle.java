package io.outflux.batch;

import io.outflux.client.ClientBus;
import io.outflux.spool.Checkpoint;
import io.outflux.spool.SpoolChunk;
import io.outflux.spool.SpoolPosition;
import io.outflux.transport.Delivery;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns chunks of spool lines into numbered batches as the sync policy says, keeps at most
 * {@code sync.maxInFlight} of them at the transport, and moves the checkpoint over the contiguous
 * acknowledged prefix. Memory is bounded: while a full batch is waiting for a window slot, the
 * tail's next chunk is not accepted, so the tail stops reading.
 */
public final class BatchVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(BatchVerticle.class);

  private final SyncConfig config;
  private final BatchPolicy policy;
  private final AckTracker acks = new AckTracker();
  private long nextSeq;

  private Buffer pending = Buffer.buffer();
  private int pendingLines;
  private SpoolPosition pendingStart;
  private SpoolPosition pendingEnd;
  private Message<SpoolChunk> held;
  private boolean tickDue;

  public BatchVerticle(SyncConfig config, Checkpoint start) {
    this.config = config;
    this.policy = BatchPolicy.of(config);
    this.nextSeq = start.lastAckedSeq() + 1;
  }

  @Override
  public Future<?> start() {
    vertx.eventBus().<SpoolChunk>localConsumer(ClientBus.LINES, this::onChunk);
    policy.tick().ifPresent(period -> vertx.setPeriodic(period.toMillis(), id -> onTick()));
    return Future.succeededFuture();
  }

  private void onChunk(Message<SpoolChunk> msg) {
    if (isFull()) {
      held = msg;
      return;
    }
    accept(msg);
  }

  private boolean isFull() {
    return pendingLines >= config.maxBatchLines() || pending.length() >= config.maxBatchSize();
  }

  private void accept(Message<SpoolChunk> msg) {
    SpoolChunk chunk = msg.body();
    if (pendingLines == 0) {
      pendingStart = chunk.start();
    }
    pending.appendBuffer(chunk.lines());
    pendingLines += chunk.lineCount();
    pendingEnd = chunk.end();
    msg.reply(null);
    if (policy.isDue(pendingLines, pending.length())) {
      sendPending();
    }
  }

  private void onTick() {
    tickDue = pendingLines > 0;
    sendPending();
  }

  /** Sends the pending lines if a window slot is free; otherwise they go when an ack frees one. */
  private void sendPending() {
    if (pendingLines == 0 || acks.size() >= config.maxInFlight()) {
      return;
    }
    Batch batch = new Batch(nextSeq++, pending, pendingLines, pendingStart, pendingEnd);
    pending = Buffer.buffer();
    pendingLines = 0;
    tickDue = false;
    acks.sent(batch.seq(), batch.end());
    vertx.eventBus().<Delivery>request(ClientBus.BATCHES, batch, ClientBus.UNBOUNDED_WAIT)
        .onSuccess(reply -> onDelivered(reply.body()))
        .onFailure(err -> log.error("batch {} was not delivered by the transport: {}", batch.seq(), err.toString()));
    if (held != null) {
      Message<SpoolChunk> next = held;
      held = null;
      accept(next);
    }
  }

  private void onDelivered(Delivery delivery) {
    if (!delivery.rejected().isEmpty()) {
      delivery.rejected().forEach(r ->
          log.warn("batch {}: InfluxDB refused a line for good ({}): {}", delivery.seq(), r.reason(), r.line()));
      vertx.eventBus().publish(ClientBus.DEAD_LETTER, new RejectedLines(delivery.seq(), delivery.rejected()),
          ClientBus.UNBOUNDED_WAIT);
    }
    acks.acked(delivery.seq()).ifPresent(advance ->
        vertx.eventBus().publish(ClientBus.ACKED, new Checkpoint(advance.end(), advance.seq()),
            ClientBus.UNBOUNDED_WAIT));
    if (tickDue || held != null || policy.isDue(pendingLines, pending.length())) {
      sendPending();
    }
  }
}
