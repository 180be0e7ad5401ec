package io.outflux.batch;

import io.outflux.client.ClientBus;
import io.outflux.protocol.BatchSpan;
import io.outflux.protocol.LogSafe;
import io.outflux.client.ClientMeters;
import io.outflux.meter.LinkStatusJson;
import io.outflux.spool.Checkpoint;
import io.outflux.spool.FileId;
import io.outflux.spool.SpoolChunk;
import io.outflux.spool.SpoolPosition;
import io.outflux.transport.Delivery;
import io.outflux.transport.TransportProblem;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns chunks of spool lines into numbered batches as the sync policy says, keeps at most
 * {@code sync.maxInFlight} of them at the transport, and moves the checkpoint over the contiguous
 * acknowledged prefix. Memory is bounded: while a full batch is waiting for a window slot, the
 * tail's next chunk is not accepted, so the tail stops reading.
 *
 * <p>A flush ({@link ClientBus#FLUSH}) aims at the end of the complete lines in the spool at the
 * moment it arrives (including lines the tail has not handed over yet): until the acknowledged
 * prefix reaches it, every line is sent as soon as it is read, whatever the policy.
 */
public final class BatchVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(BatchVerticle.class);
  private static final int MAX_ACKED_FILES = 64;

  private final SyncConfig config;
  private final BatchPolicy policy;
  private final SpoolEndSource spoolEnd;
  private final BacklogTracker backlog = new BacklogTracker(System::nanoTime);
  /** How many batches may be in flight now (AIMD on the time to acknowledgement, up to sync.maxInFlight). */
  private final InFlightWindow window;
  private PendingFlushes flushes;
  private long nextSeq;
  private long lastAckedSeq;

  /** The lines read from the spool's end on; during a catch-up, from the boundary on. */
  private Lane live;
  /** During a newest-first catch-up: the backlog up to the boundary; null otherwise. */
  private Lane history;
  private SpoolPosition boundary;
  /** The history reader reached the boundary: once its lane is idle, the two segments merge. */
  private boolean historyRead;
  private final Map<Long, Lane> laneOf = new HashMap<>();
  private boolean tickDue;
  private long ackedLines;
  private long linesRead;
  private long bytesAcked;
  private Instant lastAckAt;
  private TransportProblem lastProblem;
  private final CatchUpLog catchUp = new CatchUpLog(System::nanoTime, log::info);
  /** Spool files of each live batch in flight: to know which files acks moved past. */
  private final Map<Long, Set<FileId>> filesInFlight = new HashMap<>();
  private final Set<FileId> ackedFiles = new LinkedHashSet<>();
  /** Every batch handed to the transport and not yet acknowledged: to hand over again, or split on a 413. */
  private final Map<Long, Batch> unacked = new HashMap<>();
  /** A hand-over that was not answered is tried again this much later. */
  static final long HANDOVER_RETRY_MS = 1_000;

  /** Where the spool's complete lines end now; a seam so tests and rotation-aware tails can supply it. */
  @FunctionalInterface
  public interface SpoolEndSource {
    Future<SpoolPosition> completeLinesEnd();
  }

  public BatchVerticle(SyncConfig config, Checkpoint start, SpoolEndSource spoolEnd) {
    this.config = config;
    this.policy = BatchPolicy.of(config);
    this.window = new InFlightWindow(config.maxInFlight(), InFlightWindow.DEFAULT_TARGET, System::nanoTime);
    this.spoolEnd = spoolEnd;
    this.nextSeq = start.lastAckedSeq() + 1;
    this.lastAckedSeq = start.lastAckedSeq();
    this.live = new Lane(start.synced());
  }

  @Override
  public Future<?> start() {
    flushes = new PendingFlushes(vertx, new PendingFlushes.Acked() {
      @Override
      public long lines() {
        return ackedLines;
      }

      @Override
      public long batches() {
        return lastAckedSeq;
      }

      @Override
      public long syncedOffset() {
        return live.synced.offset();
      }
    }, this::reached, () -> lastProblem == null ? "" : "; last problem: " + lastProblem.reason());
    vertx.eventBus().<SpoolChunk>localConsumer(ClientBus.LINES, this::onChunk);
    vertx.eventBus().<Delivery>localConsumer(ClientBus.DELIVERED, msg -> onDelivered(msg.body()));
    vertx.eventBus().<Checkpoint.CatchUp>localConsumer(ClientBus.CATCH_UP, this::onCatchUp);
    vertx.eventBus().localConsumer(ClientBus.FLUSH, this::onFlush);
    vertx.eventBus().<TransportProblem>localConsumer(ClientBus.TRANSPORT_PROBLEM, msg -> onProblem(msg.body()));
    policy.tick().ifPresent(period -> vertx.setPeriodic(period.toMillis(), id -> onTick()));
    vertx.eventBus().localConsumer(ClientBus.STATUS_BATCH, msg -> msg.reply(status()));
    vertx.setPeriodic(1000, id -> spoolEnd.completeLinesEnd().onSuccess(end -> {
      backlog.spoolEnd(end);
      Progress progress = progress();
      ClientMeters.INSTANCE.progress(progress);
      catchUp.update(progress, readBytes(), ackedLines, bytesAcked);
      vertx.eventBus().publish(ClientBus.PROGRESS, progress, ClientBus.UNBOUNDED_WAIT);
    }));
    return Future.succeededFuture();
  }

  private JsonObject status() {
    Progress p = progress();
    JsonObject rule = new JsonObject().put("rule", config.rule().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'))
        .put("interval", config.interval().toMillis() + "ms")
        .put("sizeLines", config.sizeLines()).put("sizeBytes", config.sizeBytes())
        .put("maxBatchLines", config.maxBatchLines()).put("maxBatchSize", config.maxBatchSize())
        .put("maxInFlight", config.maxInFlight());
    JsonObject json = new JsonObject()
        .put("sync", rule)
        .put("backlogLines", p.backlogLines())
        .put("backlogBytes", p.backlogBytes())
        .put("lagSeconds", p.lagSeconds())
        .put("linesRead", linesRead)
        .put("linesAcked", ackedLines)
        .put("bytesAcked", bytesAcked)
        .put("backlogReadBytes", readBytes())
        .put("batchesInFlight", live.acks.size() + (history == null ? 0 : history.acks.size()))
        .put("window", window.limit())
        .put("lastAckedSeq", lastAckedSeq)
        .put("syncedOffset", live.synced.offset())
        .put("flushesWaiting", flushes.size());
    if (lastAckAt != null) {
      json.put("lastAckAt", lastAckAt.toString());
    }
    if (history != null) {
      json.put("catchUp", new JsonObject().put("order", "newest-first")
          .put("boundary", boundary.name() + " offset " + boundary.offset())
          .put("historySynced", history.synced.name() + " offset " + history.synced.offset()));
    }
    return json;
  }

  /**
   * The tail split the spool: what this lane holds so far (nothing at start) becomes the history
   * lane, which keeps the checkpoint's synced position; a new live lane starts at the live position.
   */
  private void onCatchUp(Message<Checkpoint.CatchUp> msg) {
    live.name = BatchSpan.HISTORY; // its batches from now on are the backlog's, however the lane began
    history = live;
    live = new Lane(msg.body().live());
    boundary = msg.body().boundary();
    historyRead = false;
    ClientMeters.INSTANCE.catchingUp(true);
    log.info("newest-first catch-up: live lines from {} offset {} go first, the backlog up to there fills in",
        boundary.name(), boundary.offset());
    msg.reply(null);
  }

  private void onChunk(Message<SpoolChunk> msg) {
    SpoolChunk chunk = msg.body();
    Lane lane = chunk.history() && history != null ? history : live;
    if (chunk.history() && chunk.lineCount() == 0) {
      historyRead = true;
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
    backlog.accepted(live.pendingLines == 0 && (history == null || history.pendingLines == 0));
    lane.add(msg.body(), config);
    linesRead += msg.body().lineCount();
    ClientMeters.INSTANCE.linesRead.increment(msg.body().lineCount());
    msg.reply(null);
    schedule();
  }

  private void onTick() {
    tickDue = live.pendingLines > 0;
    schedule();
  }

  private boolean flushing() {
    return flushes.any();
  }

  private boolean liveDue() {
    return live.pendingLines > 0 && (tickDue || live.mustSend() || flushing()
        || policy.isDue(live.pendingLines, live.pending.length()));
  }

  /** History lines leave in full batches (the reader fills them from disk at once), the last ones when all is read. */
  private boolean historyDue() {
    return history != null && history.pendingLines > 0 && (history.isFull(config) || history.mustSend()
        || historyRead);
  }

  /** Sends batches while window slots are free: live lines when due, history lines in the slots left (see {@link CatchUpScheduler}). */
  private void schedule() {
    while (true) {
      CatchUpScheduler.Next next = CatchUpScheduler.next(liveDue(), historyDue(),
          live.acks.size(), history == null ? 0 : history.acks.size(), window.limit());
      if (next == CatchUpScheduler.Next.NONE) {
        return;
      }
      send(next == CatchUpScheduler.Next.LIVE ? live : history);
    }
  }

  private void send(Lane lane) {
    long seq = nextSeq++;
    backlog.sent(seq, lane.pendingLines, lane.pending.length());
    Batch batch = new Batch(seq, lane.pending, lane.pendingLines, lane.pendingStart, lane.pendingEnd,
        backlog.progress(0, 0, checkpointSynced()), lane.span.span(lane.name));
    lane.acks.sent(batch.seq(), batch.end(), batch.lines());
    laneOf.put(seq, lane);
    if (lane == live) {
      tickDue = false;
      filesInFlight.put(seq, lane.pendingFiles);
    }
    lane.clearPending();
    unacked.put(seq, batch);
    window.sent(seq, live.acks.size() + (history == null ? 0 : history.acks.size()));
    handOver(batch, 0);
    if (!lane.takeOverflow(config) && lane.held != null) {
      Message<SpoolChunk> next = lane.held;
      lane.held = null;
      accept(lane, next);
    }
  }

  /**
   * Hands a batch to the transport. The transport answers at once; without an answer (it is not
   * deployed yet, or stuck) the batch keeps its window slot and is handed over again, with a log
   * line, until it is taken: a batch is never left in the window with nobody sending it.
   */
  private void handOver(Batch batch, int failures) {
    vertx.eventBus().request(ClientBus.BATCHES, batch, ClientBus.HANDOVER).onFailure(err -> {
      if (unacked.get(batch.seq()) != batch) {
        return; // acknowledged (or split) meanwhile: the transport had it after all
      }
      int failed = failures + 1;
      if (failed == 1 || Integer.bitCount(failed) == 1) {
        log.warn("batch {} ({} lines) not handed to the transport (attempt {}: {}); trying again in {} ms",
            batch.seq(), batch.lines(), failed, err.getMessage(), HANDOVER_RETRY_MS);
      }
      ClientMeters.INSTANCE.handoverFailures.increment();
      vertx.setTimer(HANDOVER_RETRY_MS, id -> {
        if (unacked.get(batch.seq()) == batch) {
          handOver(batch, failed);
        }
      });
    });
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
    ClientMeters.INSTANCE.acked(lastAckAt);
    ClientMeters.INSTANCE.batchesAcked.increment();
    if (!delivery.rejected().isEmpty()) {
      delivery.rejected().forEach(r ->
          log.warn("batch {}: InfluxDB refused a line for good ({}): {}", delivery.seq(), LogSafe.of(r.reason()),
              LogSafe.of(r.line())));
      vertx.eventBus().publish(ClientBus.DEAD_LETTER, new RejectedLines(delivery.seq(), delivery.rejected()),
          ClientBus.UNBOUNDED_WAIT);
    }
    Lane lane = laneOf.remove(delivery.seq());
    if (lane != null) {
      lane.acks.acked(delivery.seq()).ifPresent(advance -> advanced(lane, advance));
    }
    mergeIfDone();
    schedule();
  }

  /**
   * The server refused the batch as larger than its body limit: it is split in two halves by lines,
   * which take its place in the window under new numbers; a single line goes to the dead-letter
   * file with the reason (it can never be stored) and counts as synced.
   */
  private void tooLarge(Batch batch, String reason) {
    if (batch.lines() <= 1) {
      log.error("batch {}: a single line of {} bytes is larger than the server accepts ({}); it goes to the "
          + "dead-letter file", batch.seq(), batch.bytes(), LogSafe.of(reason));
      String line = batch.payload().toString(java.nio.charset.StandardCharsets.UTF_8);
      unacked.put(batch.seq(), batch);
      onDelivered(new Delivery(batch.seq(), 0, java.util.List.of(new io.outflux.protocol.BatchReply.RejectedLine(
          line.endsWith("\n") ? line.substring(0, line.length() - 1) : line,
          "too large for the server (HTTP 413: " + reason + "); sync.maxBatchSize is " + config.maxBatchSize()
              + " bytes"))));
      return;
    }
    vertx.executeBlocking(() -> LineCut.half(batch.payload(), batch.lines())).onSuccess(cut -> {
      Lane lane = laneOf.remove(batch.seq());
      long first = nextSeq++;
      long second = nextSeq++;
      int secondLines = batch.lines() - cut.lines();
      if (lane == null || !lane.acks.split(batch.seq(), first, cut.lines(), second, secondLines)) {
        return;
      }
      backlog.split(batch.seq(), first, cut.lines(), cut.bytes(), second, secondLines, batch.bytes() - cut.bytes());
      laneOf.put(first, lane);
      laneOf.put(second, lane);
      Set<FileId> files = filesInFlight.remove(batch.seq());
      if (files != null) {
        filesInFlight.put(second, files);
      }
      BatchSpan[] spans = batch.halves(cut.bytes());
      Batch a = new Batch(first, batch.payload().slice(0, cut.bytes()), cut.lines(), batch.start(), null,
          batch.progress(), spans[0]);
      Batch b = new Batch(second, batch.payload().slice(cut.bytes(), batch.bytes()), secondLines, batch.start(),
          batch.end(), batch.progress(), spans[1]);
      ClientMeters.INSTANCE.batchesSplit.increment();
      log.warn("batch {} ({} lines, {} bytes) is larger than the server accepts ({}): sending it as batches {} "
          + "({} lines) and {} ({} lines)", batch.seq(), batch.lines(), batch.bytes(), LogSafe.of(reason), first,
          cut.lines(), second, secondLines);
      unacked.put(first, a);
      unacked.put(second, b);
      handOver(a, 0);
      handOver(b, 0);
    });
  }

  private void advanced(Lane lane, AckTracker.Advance advance) {
    if (lane == live) {
      filesInFlight.keySet().removeIf(seq -> {
        if (seq > advance.seq()) {
          return false;
        }
        ackedFiles.addAll(filesInFlight.get(seq));
        return true;
      });
      while (ackedFiles.size() > MAX_ACKED_FILES) {
        ackedFiles.remove(ackedFiles.iterator().next());
      }
    }
    if (advance.end() != null) {
      lane.synced = advance.end();
    }
    lastAckedSeq = Math.max(lastAckedSeq, advance.seq());
    ackedLines += advance.lines();
    ClientMeters.INSTANCE.linesAcked.increment(advance.lines());
    lastProblem = null;
    publishCheckpoint();
    flushes.completeReached();
  }

  /** History is acknowledged up to the boundary: the live lane's position is the checkpoint again. */
  private void mergeIfDone() {
    if (history == null || !historyRead || !history.idle()) {
      return;
    }
    history = null;
    historyRead = false;
    ClientMeters.INSTANCE.catchingUp(false);
    log.info("newest-first catch-up done: the backlog is acknowledged up to {} offset {}", boundary.name(),
        boundary.offset());
    publishCheckpoint();
    flushes.completeReached();
  }

  /**
   * The durable checkpoint: one position, or during a catch-up the history lane's (before which
   * everything is stored, so compaction never goes further) with the boundary and the live lane's.
   */
  private void publishCheckpoint() {
    Checkpoint checkpoint = history == null ? new Checkpoint(live.synced, lastAckedSeq)
        : new Checkpoint(history.synced, lastAckedSeq, new Checkpoint.CatchUp(boundary, live.synced));
    vertx.eventBus().publish(ClientBus.ACKED, checkpoint, ClientBus.UNBOUNDED_WAIT);
  }

  private SpoolPosition checkpointSynced() {
    return history == null ? live.synced : history.synced;
  }

  private long readBytes() {
    return backlog.readBytes(live.pending.length() + (history == null ? 0 : history.pending.length()));
  }

  private Progress progress() {
    int lines = live.pendingLines + (history == null ? 0 : history.pendingLines);
    int bytes = live.pending.length() + (history == null ? 0 : history.pending.length());
    return backlog.progress(lines, bytes, checkpointSynced());
  }

  private void onFlush(Message<Object> request) {
    boolean force = FlushRequest.forceOf(request.body());
    Duration timeout = FlushRequest.timeoutOf(request.body());
    spoolEnd.completeLinesEnd().onComplete(ar -> {
      if (ar.failed()) {
        request.fail(FlushRequest.FAILED_BLOCKED, "cannot read the spool's size: " + ar.cause().getMessage());
        return;
      }
      SpoolPosition end = ar.result();
      Future<Optional<String>> closed = force || reached(end) ? Future.succeededFuture(Optional.empty())
          : linkClosedFor(timeout);
      closed.onSuccess(why -> {
        if (why.isPresent()) {
          request.fail(FlushRequest.FAILED_LINK_CLOSED, "not flushed: " + why.get()
              + "; outflux flush --force (POST /flush?force=true) sends outside the windows");
        } else {
          startFlush(request, end, timeout, force);
        }
      });
    });
  }

  private void startFlush(Message<Object> request, SpoolPosition target, Duration timeout, boolean force) {
    flushes.add(request, target, timeout.toMillis(), force);
    if (lastProblem != null && lastProblem.blocked()) {
      // the transport probes the credentials now; a refusal again fails this flush with the reason (onProblem)
      vertx.eventBus().publish(ClientBus.RETRY_CREDENTIALS, null, ClientBus.UNBOUNDED_WAIT);
    }
    if (flushing()) {
      vertx.eventBus().publish(ClientBus.READ_NOW, null, ClientBus.UNBOUNDED_WAIT);
    }
    schedule();
  }

  /** Why the metered link will stay closed longer than {@code timeout} (window or interface), if it will. */
  private Future<Optional<String>> linkClosedFor(Duration timeout) {
    return vertx.eventBus().<JsonObject>request(ClientBus.STATUS_TRANSPORT, null,
            new DeliveryOptions().setLocalOnly(true).setSendTimeout(5_000))
        .map(reply -> LinkStatusJson.closedBeyond(reply.body().getJsonObject("link"), Instant.now(), timeout))
        .otherwise(Optional.empty());
  }

  /**
   * Whether the acknowledged prefix covers {@code target}. Offsets compare only within one file:
   * after a rotation the target's file may be an archive behind the file the acks are in now. The
   * tail finishes each file before the next, so acks that reached the target's file and then moved
   * on have covered it to its end. During a catch-up the backlog before the boundary counts too.
   */
  private boolean reached(SpoolPosition target) {
    if (history != null) {
      return false;
    }
    if (target.offset() == 0) {
      return true;
    }
    SpoolPosition synced = live.synced;
    if (target.file().equals(FileId.UNKNOWN) || synced.file().equals(FileId.UNKNOWN)
        || synced.file().equals(target.file())) {
      return synced.offset() >= target.offset();
    }
    return ackedFiles.contains(target.file());
  }

  private void onProblem(TransportProblem problem) {
    lastProblem = problem;
    if (problem.blocked() && flushing()) {
      flushes.failAll(problem.reason());
    }
  }
}
