package io.outflux.batch;

import io.outflux.client.ClientBus;
import io.outflux.client.ClientMeters;
import io.outflux.protocol.BatchReply.RejectedLine;
import io.outflux.protocol.LogSafe;
import io.outflux.spool.Checkpoint;
import io.outflux.spool.SpoolChunk;
import io.outflux.spool.SpoolPosition;
import io.outflux.transport.Delivery;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns chunks of spool lines into numbered batches as the sync policy says, keeps at most
 * {@code sync.maxInFlight} of them at the transport, and moves the checkpoint over the contiguous
 * acknowledged prefix. Memory is bounded: while a full batch is waiting for a window slot, the
 * tail's next chunk is not taken, so the tail stops reading.
 *
 * <p>A flush ({@link ClientBus#FLUSH_BATCHES}, handed down by the tail) aims at the end of the
 * complete lines in the spool when it arrived: until the acknowledged prefix reaches it, every line
 * is sent as soon as it is read, whatever the policy ({@link PendingFlushes}).
 */
public final class BatchVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(BatchVerticle.class);

  final SyncConfig config;
  private final BatchPolicy policy;
  private final ClientMeters meters;
  final BacklogTracker backlog = new BacklogTracker(System::nanoTime);
  /** How many batches may be in flight now (AIMD on the time to acknowledgement, up to sync.maxInFlight). */
  final InFlightWindow window;
  PendingFlushes flushes;
  private HandOver handOver;
  private DeadLetterHandOver deadLetters;
  private long nextSeq;
  long lastAckedSeq;

  /** The live lane, and during a newest-first catch-up the history lane. */
  final CatchUpLanes lanes;
  private final Map<Long, Lane> laneOf = new HashMap<>();
  private boolean tickDue;
  /** A backlog read to its end sends its last lines at once (see {@link BacklogEnd}). */
  private final BacklogEnd backlogEnd = new BacklogEnd();
  long ackedLines;
  long linesRead;
  long bytesAcked;
  Instant lastAckAt;
  private final CatchUpLog catchUp = new CatchUpLog(System::nanoTime, log::info);
  private final AckedFiles ackedFiles = new AckedFiles();
  /** Every batch handed to the transport and not yet acknowledged: to hand over again, or split on a 413. */
  private final Map<Long, Batch> unacked = new HashMap<>();

  /** @param meters the client deployment's meters ({@link ClientMeters#of}) */
  public BatchVerticle(SyncConfig config, Checkpoint start, ClientMeters meters) {
    this.meters = meters;
    this.config = config;
    this.policy = BatchPolicy.of(config);
    this.window = new InFlightWindow(config.maxInFlight(), InFlightWindow.DEFAULT_TARGET, System::nanoTime);
    this.nextSeq = start.lastAckedSeq() + 1;
    this.lastAckedSeq = start.lastAckedSeq();
    this.lanes = new CatchUpLanes(start.synced());
  }

  @Override
  public Future<?> start() {
    flushes = new PendingFlushes(vertx, () -> ackedLines, () -> lastAckedSeq, () -> lanes.live.synced.offset(),
        this::reached);
    handOver = new HandOver(vertx, meters, batch -> unacked.get(batch.seq()) == batch);
    deadLetters = new DeadLetterHandOver(vertx, meters, ClientBus.DEAD_LETTER_WAIT);
    vertx.eventBus().<SpoolChunk>localConsumer(ClientBus.LINES, this::onChunk);
    vertx.eventBus().<Delivery>localConsumer(ClientBus.DELIVERED, msg -> onDelivered(msg.body()));
    vertx.eventBus().<Checkpoint.CatchUp>localConsumer(ClientBus.CATCH_UP, this::onCatchUp);
    vertx.eventBus().<FlushOrder>localConsumer(ClientBus.FLUSH_BATCHES, msg -> {
      flushes.add(msg);
      schedule();
    });
    vertx.eventBus().<SpoolPosition>localConsumer(ClientBus.SPOOL_END, msg -> backlog.spoolEnd(msg.body()));
    policy.tick().ifPresent(period -> vertx.setPeriodic(period.toMillis(), id -> onTick()));
    vertx.eventBus().localConsumer(ClientBus.STATUS_BATCH, msg -> msg.reply(BatchStatus.of(this)));
    vertx.setPeriodic(1000, id -> {
      Progress progress = progress();
      meters.progress(progress);
      catchUp.update(progress, readBytes(), ackedLines, bytesAcked);
      vertx.eventBus().publish(ClientBus.PROGRESS, progress, ClientBus.LOCAL);
    });
    return Future.succeededFuture();
  }

  /** The tail split the spool ({@link CatchUpLanes#split}); the same split again changes nothing. */
  private void onCatchUp(Message<Checkpoint.CatchUp> msg) {
    if (lanes.split(msg.body())) {
      meters.catchingUp(true);
      log.info("newest-first catch-up: live lines from {} offset {} go first, the backlog up to there fills in",
          lanes.boundary.name(), lanes.boundary.offset());
    }
    msg.reply(null);
  }

  private void onChunk(Message<SpoolChunk> msg) {
    SpoolChunk chunk = msg.body();
    Lane lane = lanes.of(chunk);
    if (lane.askedAgain(msg)) {
      return;
    }
    if (chunk.history() && chunk.lineCount() == 0) {
      lanes.historyRead();
      msg.reply(null);
      mergeIfDone();
      schedule(); // the last history lines need not make a full batch
      return;
    }
    if (lane.isFull(config) || !lane.fits(chunk, config)) {
      lane.held = msg; // the pending lines leave first (they are due now), then this chunk is taken
      schedule();
      return;
    }
    accept(lane, msg);
  }

  private void accept(Lane lane, Message<SpoolChunk> msg) {
    backlog.accepted(lanes.pendingLines() == 0);
    lane.take(msg.body(), config);
    if (lane == lanes.live) {
      backlogEnd.accepted(msg.body().atSpoolEnd());
    }
    linesRead += msg.body().lineCount();
    meters.linesRead.increment(msg.body().lineCount());
    msg.reply(null);
    schedule();
  }

  private void onTick() {
    tickDue = lanes.live.pendingLines > 0;
    schedule();
  }

  private boolean liveDue() {
    Lane live = lanes.live;
    return live.pendingLines > 0 && (tickDue || live.mustSend() || flushes.any() || backlogEnd.due()
        || policy.isDue(live.pendingLines, live.pending.length()));
  }

  /** Sends batches while window slots are free: live lines when due, history lines in the slots left (see {@link CatchUpScheduler}). */
  private void schedule() {
    while (true) {
      CatchUpScheduler.Next next = CatchUpScheduler.next(liveDue(), lanes.historyDue(config),
          lanes.live.acks.size(), lanes.historyInFlight(), window.limit());
      if (next == CatchUpScheduler.Next.NONE) {
        return;
      }
      send(next == CatchUpScheduler.Next.LIVE ? lanes.live : lanes.history);
    }
  }

  private void send(Lane lane) {
    long seq = nextSeq++;
    backlog.sent(seq, lane.pendingLines, lane.pending.length());
    Batch batch = new Batch(seq, lane.pending, lane.pendingLines, lane.pendingStart, lane.pendingEnd,
        backlog.progress(0, 0, lanes.checkpointSynced()), lane.span.span(lane.name));
    lane.acks.sent(batch.seq(), batch.end(), batch.lines());
    laneOf.put(seq, lane);
    if (lane == lanes.live) {
      backlogEnd.sent(lane.isFull(config) || lane.held != null);
      tickDue = false;
      ackedFiles.sent(seq, lane.pendingFiles);
    }
    lane.clearPending();
    unacked.put(seq, batch);
    window.sent(seq, inFlight());
    handOver.send(batch);
    if (!lane.takeOverflow(config) && lane.held != null) {
      Message<SpoolChunk> next = lane.held;
      lane.held = null;
      accept(lane, next);
    }
  }

  int inFlight() {
    return lanes.inFlight();
  }

  private void onDelivered(Delivery delivery) {
    Batch batch = unacked.remove(delivery.seq());
    if (batch == null) {
      return; // a second outcome for a batch already settled
    }
    if (delivery.tooLarge() != null) {
      window.forget(batch.seq());
      tooLarge(batch, delivery.tooLarge());
      return;
    }
    window.acked(batch.seq(), batch.bytes()).ifPresent(log::warn);
    bytesAcked += backlog.acked(delivery.seq());
    lastAckAt = Instant.now();
    meters.acked(lastAckAt);
    meters.batchesAcked.increment();
    Lane lane = laneOf.remove(delivery.seq());
    if (delivery.rejected().isEmpty()) {
      settled(lane, delivery.seq());
      return;
    }
    // acknowledged to the tail only once its refused lines are in the dead-letter file (it keeps its slot till then)
    deadLetters.append(new RejectedLines(delivery.seq(), delivery.rejected(), delivery.refused())).onSuccess(file -> {
      if (delivery.refused() == null) { // a refused batch is told once, by the dead-letter file's owner
        RejectedLine first = delivery.rejected().get(0);
        log.warn("batch {}: the server refused {} of its {} lines for good (first: {}: {}); the rest are stored; the "
            + "refused lines are in the dead-letter file {} with each reason: bin/outflux deadletter list",
            delivery.seq(), delivery.rejected().size(), batch.lines(), LogSafe.of(first.reason()),
            LogSafe.of(first.line()), file);
      }
      settled(lane, delivery.seq());
    });
    schedule();
  }

  /** The batch is done (stored, its refused lines dead-lettered): the acknowledged prefix may grow. */
  private void settled(Lane lane, long seq) {
    if (lane != null) {
      lane.acks.acked(seq).ifPresent(advance -> advanced(lane, advance));
    }
    mergeIfDone();
    schedule();
  }

  /**
   * The server refused the batch as larger than its body limit: it is split in two halves by lines,
   * which take its place in the window under new numbers ({@link OversizeSplit}); a single line goes
   * to the dead-letter file with the reason (it can never be stored) and counts as synced.
   */
  private void tooLarge(Batch batch, String reason) {
    if (batch.lines() <= 1) {
      unacked.put(batch.seq(), batch);
      onDelivered(OversizeSplit.deadLetter(batch, reason, config.maxBatchSize()));
      return;
    }
    vertx.executeBlocking(() -> LineCut.half(batch.payload(), batch.lines())).onSuccess(cut -> {
      Lane lane = laneOf.remove(batch.seq());
      long first = nextSeq++;
      long second = nextSeq++;
      OversizeSplit.Halves halves = OversizeSplit.halves(batch, cut, first, second);
      if (lane == null || !lane.acks.split(batch.seq(), first, cut.lines(), second, halves.b().lines())) {
        return;
      }
      backlog.split(batch.seq(), first, cut.lines(), cut.bytes(), second, halves.b().lines(),
          batch.bytes() - cut.bytes());
      laneOf.put(first, lane);
      laneOf.put(second, lane);
      ackedFiles.split(batch.seq(), second);
      meters.batchesSplit.increment();
      OversizeSplit.logSplit(batch, reason, halves);
      unacked.put(first, halves.a());
      unacked.put(second, halves.b());
      handOver.send(halves.a());
      handOver.send(halves.b());
    });
  }

  private void advanced(Lane lane, AckTracker.Advance advance) {
    if (lane == lanes.live) {
      ackedFiles.advancedTo(advance.seq());
    }
    if (advance.end() != null) {
      lane.synced = advance.end();
    }
    lastAckedSeq = Math.max(lastAckedSeq, advance.seq());
    ackedLines += advance.lines();
    meters.linesAcked.increment(advance.lines());
    publishCheckpoint();
    flushes.completeReached();
  }

  /** History is acknowledged up to the boundary: the live lane's position is the checkpoint again. */
  private void mergeIfDone() {
    if (!lanes.mergeIfDone()) {
      return;
    }
    meters.catchingUp(false);
    log.info("newest-first catch-up done: the backlog is acknowledged up to {} offset {}", lanes.boundary.name(),
        lanes.boundary.offset());
    publishCheckpoint();
    flushes.completeReached();
  }

  private void publishCheckpoint() {
    vertx.eventBus().publish(ClientBus.ACKED, lanes.checkpoint(lastAckedSeq), ClientBus.LOCAL);
  }

  long readBytes() {
    return backlog.readBytes(lanes.pendingBytes());
  }

  Progress progress() {
    return backlog.progress(lanes.pendingLines(), lanes.pendingBytes(), lanes.checkpointSynced());
  }

  /** Whether the acknowledged prefix covers {@code target}; during a catch-up the backlog before the boundary counts too. */
  private boolean reached(SpoolPosition target) {
    return !lanes.catchingUp() && ackedFiles.covers(lanes.live.synced, target);
  }
}
