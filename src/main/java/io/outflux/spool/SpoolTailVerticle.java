package io.outflux.spool;

import io.outflux.client.ClientBus;
import io.outflux.client.ClientMeters;
import io.outflux.lineprotocol.Precision;
import io.outflux.spool.ResumePlanner.ResumePoint;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the spool like {@code tail -F}, from the durable checkpoint, with a {@link SpoolReader}:
 * Telegraf's rotated archives oldest first, then the active file. Valid lines go to the batcher one
 * chunk at a time (the next read starts only after the batcher accepted the previous chunk, so a
 * backlog of any size never sits in memory), invalid ones to the dead-letter file ({@link TailHandOvers}).
 * When batches are acknowledged it persists the checkpoint ({@link CheckpointWriter}) and compacts
 * ({@link SyncedCompaction}): deletes wholly synced archives, punches the synced prefix out of the
 * active file.
 *
 * <p>With {@code sync.catchUp} newest-first and a backlog of at least {@code sync.catchUpThreshold}
 * at start ({@link CatchUpPlan}), or later (after a server outage, the backlog that built up while
 * the window was full), a second reader, the history reader, syncs the backlog up to the boundary
 * while the live reader follows the spool from there. The checkpoint's synced position is
 * then the history segment's (compaction never passes it); the two segments merge back into one
 * once history is acknowledged up to the boundary.
 *
 * <p>Every file operation is asynchronous (Vert.x file system) or runs on this verticle's ordered
 * worker queue, so dead-letter appends, checkpoint saves and compaction happen in the order asked.
 */
public final class SpoolTailVerticle extends VerticleBase implements SpoolReader.Host {

  private static final Logger log = LoggerFactory.getLogger(SpoolTailVerticle.class);
  /** How often a running client looks whether the backlog grew past the threshold (e.g. during an outage). */
  private static final long BACKLOG_CHECK_MS = 2_000;
  /** How often the spool's size on disk is measured for the outflux_client_spool_bytes meter. */
  private static final long SPOOL_SIZE_EVERY_MS = 5_000;
  /** How often the batcher learns where the spool's complete lines end (its backlog and lag meters). */
  private static final long SPOOL_END_EVERY_MS = 1_000;
  /** Lines the batcher did not take (it is not there, or failed) are offered again this much later. */
  static final long HANDOVER_RETRY_MS = 1_000;

  private final SpoolConfig config;
  private final Precision precision;
  private final Checkpoint start;
  private final CatchUpOrder catchUpOrder;
  private final long catchUpThreshold;
  private final SpoolFiles files;
  private final Compactor compactor = new Compactor();
  private final CheckpointWriter checkpointWriter;
  private final StampJournal stamps;
  /** The spool's size, free space, unaccounted files and losses ledger. */
  private final SpoolWatch watch;
  /** Follows the spool; from the boundary during a catch-up. */
  private volatile SpoolReader live;
  /** The backlog up to the boundary during a newest-first catch-up; null otherwise. */
  private volatile SpoolReader history;
  /** Deletes and punches what a durable checkpoint covers (set at start). */
  private SyncedCompaction compaction;
  /** Chunks to the batcher, dead letters to their file's owner (set at start). */
  private TailHandOvers handOvers;
  /** The live reader's read loop (a flush makes it look at once). */
  private ReadLoop liveLoop;
  /** A catch-up that starts while the client runs (set at start). */
  private CatchUpSplit split;
  /** Status, meters, SPOOL_END, losses (set at start). */
  private SpoolReports reports;
  private boolean stopped;
  private final ClientMeters meters;

  public SpoolTailVerticle(SpoolConfig config, Precision precision, Checkpoint start, ClientMeters meters) {
    this(config, precision, start, CatchUpOrder.OLDEST_FIRST, Long.MAX_VALUE, meters);
  }

  /** @param meters the client deployment's meters ({@link ClientMeters#of}) */
  public SpoolTailVerticle(SpoolConfig config, Precision precision, Checkpoint start, CatchUpOrder catchUpOrder,
      long catchUpThreshold, ClientMeters meters) {
    this.meters = meters;
    this.config = config;
    this.precision = precision;
    this.start = start;
    this.catchUpOrder = catchUpOrder;
    this.catchUpThreshold = catchUpThreshold;
    this.files = new SpoolFiles(config.path(), SpoolFiles.ownNames(config));
    this.watch = new SpoolWatch(config, files, meters);
    this.checkpointWriter = new CheckpointWriter(new CheckpointStore(config.checkpoint()), start, meters);
    this.stamps = new StampJournal(Path.of(config.checkpoint() + ".stamps"));
  }

  /** Where the readers start: the resume point and, for a catch-up, the live segment. */
  private record Plan(ResumePoint resume, Set<FileId> done, CatchUpPlan.Segments segments) {
  }

  /** The tail's part of {@code GET /status}: is the spool readable, checkpoint, disk, losses. */
  private Future<io.vertx.core.json.JsonObject> status() {
    SpoolReader h = history;
    return reports.status(readOffset(), h == null ? null : h.readPosition(), checkpointWriter.problem());
  }

  @Override
  public void lost(LossLedger.Loss loss) {
    reports.lost(loss);
  }

  /** The size of {@code file} as a reader last saw it; -1 when no reader knows it. */
  private long seenSize(FileId file) {
    for (SpoolReader r : new SpoolReader[] {live, history}) {
      long seen = r == null ? -1 : r.seenSize(file);
      if (seen >= 0) {
        return seen;
      }
    }
    return -1;
  }

  /** The live read offset in the current file: everything before it was handed on (for tests and metrics). */
  public long readOffset() {
    SpoolReader r = live;
    return r == null ? 0 : r.readOffset();
  }

  /** Whether a newest-first catch-up is running (its history segment not yet merged back). */
  public boolean catchingUp() {
    return history != null;
  }

  @Override
  public Future<?> start() {
    compaction = new SyncedCompaction(vertx, config, files, stamps, compactor);
    split = new CatchUpSplit(vertx, files, catchUpThreshold, () -> stopped);
    reports = new SpoolReports(vertx, config, watch);
    handOvers = new TailHandOvers(vertx, config.deadLetter(), () -> stopped, HANDOVER_RETRY_MS);
    checkpointWriter.attach(vertx, handOvers::syncDeadLetters, this::compact,
        c -> c.seen(Math.max(seenSize(c.synced().file()), c.synced().offset())));
    vertx.eventBus().<Checkpoint>localConsumer(ClientBus.ACKED, msg -> checkpointWriter.offer(msg.body()));
    new FlushEntry(vertx, config.path(), this::liveReadPosition, this::readNow).register();
    vertx.eventBus().localConsumer(ClientBus.STATUS_SPOOL, msg -> status().onComplete(ar -> {
      if (ar.succeeded()) {
        msg.reply(ar.result());
      } else {
        msg.fail(500, ar.cause().toString());
      }
    }));
    vertx.setPeriodic(SPOOL_END_EVERY_MS, id -> reports.publishSpoolEnd(liveReadPosition()));
    vertx.setPeriodic(SPOOL_SIZE_EVERY_MS, id -> {
      reports.measure();
      checkpointWriter.refreshSeen();
    });
    return vertx.executeBlocking(stamps::load, true)
        .compose(loaded -> {
          stamps.set(loaded);
          return vertx.executeBlocking(this::plan, true);
        })
        .compose(this::startReaders)
        .onSuccess(v -> reports.measure()); // files it cannot account for are named at once, not after 5 s
  }

  /** Blocking. */
  private Plan plan() {
    Set<FileId> done = new HashSet<>();
    List<LossLedger.Loss> lost = new ArrayList<>();
    ResumePoint resume = ResumePlanner.plan(files, start, stamps, compactor, done, lost);
    lost.forEach(watch::record);
    return new Plan(resume, done, CatchUpPlan.plan(files, start, resume, catchUpOrder, catchUpThreshold));
  }

  private Future<Void> startReaders(Plan plan) {
    if (catchUpOrder == CatchUpOrder.NEWEST_FIRST) {
      vertx.setPeriodic(BACKLOG_CHECK_MS, id -> split.check(live, history != null));
    }
    CatchUpPlan.Segments s = plan.segments();
    if (s == null) {
      live = new SpoolReader(vertx, config, precision, files, stamps, this, null, plan.resume(), plan.done());
      live.resumingFrom(start.synced());
      liveLoop = loop(live);
      vertx.runOnContext(v -> liveLoop.run());
      return Future.succeededFuture();
    }
    history = new SpoolReader(vertx, config, precision, files, stamps, this, s.boundary(), plan.resume(), plan.done());
    history.resumingFrom(start.synced());
    live = new SpoolReader(vertx, config, precision, files, stamps, this, null, s.liveResume(), s.liveDone());
    live.finishedBefore(s.liveFinished());
    live.startsAfter(s.boundary());
    // the batcher learns the segments before the first chunk of either
    return CatchUpAnnouncement.announce(vertx, new Checkpoint.CatchUp(s.boundary(), s.live()),
            ClientBus.CATCH_UP_WAIT, () -> stopped)
        .onSuccess(reply -> {
          liveLoop = loop(live);
          liveLoop.run();
          loop(history).run();
        })
        .mapEmpty();
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    List<Future<?>> closing = new ArrayList<>();
    closing.add(checkpointWriter.drain());
    if (live != null) {
      closing.add(live.close());
    }
    if (history != null) {
      closing.add(history.close());
    }
    return Future.all(closing);
  }

  // ---- the read loops, one per reader

  /** A read loop for {@code reader}, while it is the live or the history reader. */
  private ReadLoop loop(SpoolReader reader) {
    return new ReadLoop(vertx, reader, config.path(), config.pollInterval().toMillis(),
        l -> !stopped && (l.reader == live || l.reader == history), this::splitFirst);
  }

  /** Before a step of the live reader: true when a catch-up split is due (the loop runs on after it). */
  private boolean splitFirst(ReadLoop loop) {
    if (loop.reader != live || history != null || !split.due()) {
      return false;
    }
    split.split(loop.reader).onComplete(ar -> {
      if (ar.failed()) {
        log.warn("could not start a newest-first catch-up, reading on in order: {}", ar.cause().toString());
      } else if (ar.result() != null) { // the reader becomes the history reader; a new live reader starts at the end
        CatchUpPlan.Segments s = ar.result();
        loop.reader.limitTo(s.boundary());
        history = loop.reader;
        live = new SpoolReader(vertx, config, precision, files, stamps, this, null, s.liveResume(), s.liveDone());
        live.startsAfter(s.boundary());
        liveLoop = loop(live);
        loop.run();
      }
      liveLoop.run();
    });
    return true;
  }

  /** Where the live reader is (event loop); null between files. */
  private SpoolPosition liveReadPosition() {
    SpoolReader r = live;
    return r == null ? null : r.readPosition();
  }

  /** A flush is waiting: look for new lines now instead of at the next poll (no-op while reading). */
  private void readNow() {
    ReadLoop l = liveLoop;
    if (l != null) {
      l.now();
    }
  }

  // ---- SpoolReader.Host

  @Override
  public Future<Void> send(SpoolChunk chunk) {
    return handOvers.send(chunk);
  }

  @Override
  public Future<Void> journal(StampJournal.Entry entry) {
    stamps.add(entry);
    return vertx.executeBlocking(() -> {
      stamps.append(entry);
      return null;
    }, true);
  }

  @Override
  public void truncated(FileId file) {
    compaction.forgetStamps(SpoolPosition.START, Set.of(file)); // its offsets now hold other lines
  }

  /** Hands quarantined lines to the dead-letter file's owner; completes once they are appended. */
  @Override
  public Future<Void> quarantine(List<DeadLetter> letters) {
    return handOvers.quarantine(letters);
  }

  // ---- compaction, after each durable checkpoint

  /** Merges a catch-up's segments once history is acknowledged, then compacts what {@code safe} covers. */
  private void compact(Checkpoint checkpoint, Checkpoint safe) {
    if (history != null && history.complete() && checkpoint.catchUp() == null) {
      merge();
    }
    compaction.compact(safe.synced(), this::readers);
  }

  /** The readers as they are now (read from the event loop and the worker: the fields are volatile). */
  private List<SpoolReader> readers() {
    SpoolReader l = live;
    SpoolReader h = history;
    return h == null ? List.of(l) : List.of(l, h);
  }

  /** History is acknowledged up to the boundary: one segment again; the files history read come first. */
  private void merge() {
    live.readAfter(history);
    history.close();
    history = null;
    log.info("newest-first catch-up done: the backlog is synced up to the boundary; one segment again");
  }
}
