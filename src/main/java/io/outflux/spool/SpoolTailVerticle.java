package io.outflux.spool;

import io.outflux.client.ClientBus;
import io.outflux.client.ClientMeters;
import io.outflux.lineprotocol.Precision;
import io.outflux.spool.ResumePlanner.ResumePoint;
import io.outflux.spool.SpoolFiles.SpoolFile;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
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
 * backlog of any size never sits in memory), invalid ones to the dead-letter file. When batches are
 * acknowledged it persists the checkpoint and compacts: deletes wholly synced archives, punches the
 * synced prefix out of the active file (see {@link Compactor}).
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
  /** Punch failures in a row after which punching stops for this run (e.g. a file system without it). */
  private static final int MAX_PUNCH_FAILURES = 3;
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
  private boolean punchDisabled;
  private int punchFailures;
  private boolean stopped;
  private long pollTimer = -1;
  private boolean splitDue;
  private boolean backlogChecking;
  private final RateLimitedLog warnings = RateLimitedLog.systemClock();
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
    long offset = readOffset();
    return vertx.executeBlocking(() -> watch.status(offset), false)
        .map(json -> {
          SpoolReader h = history;
          SpoolPosition read = h == null ? null : h.readPosition();
          if (read != null) {
            json.put("historyReadOffset", read.offset()); // a newest-first catch-up is running
          }
          String checkpointProblem = checkpointWriter.problem();
          if (checkpointProblem != null) {
            json.put("checkpointProblem", checkpointProblem + " (" + config.checkpoint() + ")");
          }
          return json;
        });
  }

  @Override
  public void lost(LossLedger.Loss loss) {
    vertx.executeBlocking(() -> {
      watch.record(loss);
      return null;
    }, true);
  }

  /** The size of {@code file} as a reader last saw it; -1 when no reader knows it. */
  private long seenSize(FileId file) {
    for (SpoolReader r : new SpoolReader[] {live, history}) {
      if (r == null) {
        continue;
      }
      SpoolReader.Reading c = r.current;
      if (c != null && c.file.id().equals(file)) {
        return Math.max(c.seenSize, c.readPos);
      }
      for (SpoolReader.Finished f : r.finished) {
        if (f.id().equals(file)) {
          return f.size();
        }
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
    checkpointWriter.attach(vertx, this::syncDeadLetters, this::compact,
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
    vertx.setPeriodic(SPOOL_END_EVERY_MS, id -> publishSpoolEnd());
    vertx.setPeriodic(SPOOL_SIZE_EVERY_MS, id -> {
      measureSpool();
      checkpointWriter.refreshSeen();
    });
    return vertx.executeBlocking(stamps::load, true)
        .compose(loaded -> {
          stamps.set(loaded);
          return vertx.executeBlocking(this::plan, true);
        })
        .compose(this::startReaders)
        .onSuccess(v -> measureSpool()); // files it cannot account for are named at once, not after 5 s
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
      vertx.setPeriodic(BACKLOG_CHECK_MS, id -> checkBacklog());
    }
    CatchUpPlan.Segments s = plan.segments();
    if (s == null) {
      live = new SpoolReader(vertx, config, precision, files, stamps, this, null, plan.resume(), plan.done());
      live.resumingFrom(start.synced());
      vertx.runOnContext(v -> pump(live));
      return Future.succeededFuture();
    }
    history = new SpoolReader(vertx, config, precision, files, stamps, this, s.boundary(), plan.resume(), plan.done());
    history.resumingFrom(start.synced());
    live = new SpoolReader(vertx, config, precision, files, stamps, this, null, s.liveResume(), s.liveDone());
    live.finished.addAll(s.liveFinished());
    // the batcher learns the segments before the first chunk of either
    return CatchUpAnnouncement.announce(vertx, new Checkpoint.CatchUp(s.boundary(), s.live()),
            ClientBus.CATCH_UP_WAIT, () -> stopped)
        .onSuccess(reply -> {
          pump(live);
          pump(history);
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

  private void pump(SpoolReader reader) {
    if (stopped || (reader != live && reader != history)) {
      return;
    }
    if (reader == live && splitDue && history == null) {
      splitDue = false;
      splitWhileRunning(reader);
      return;
    }
    reader.step().onComplete(ar -> {
      if (ar.failed()) {
        long held = warnings.admit("read");
        if (held >= 0) {
          log.warn("reading the spool {} failed, retrying: {}{}", config.path(), ar.cause().toString(),
              warnings.suffix(held));
        }
        later(reader);
      } else if (ar.result()) {
        warnings.clear("read");
        pump(reader);
      } else if (!reader.complete()) {
        later(reader);
      }
    });
  }

  private void later(SpoolReader reader) {
    if (stopped) {
      return;
    }
    long id = vertx.setTimer(config.pollInterval().toMillis(), t -> {
      if (reader == live) {
        pollTimer = -1;
      }
      pump(reader);
    });
    if (reader == live) {
      pollTimer = id;
    }
  }

  /** Sums the spool files' sizes and looks at the free space on a worker, for the meters and the status. */
  private void measureSpool() {
    vertx.executeBlocking(() -> {
      watch.measure();
      return null;
    }, false);
  }

  /**
   * Tells the batcher where the complete lines end ({@link ClientBus#SPOOL_END}, for its backlog of
   * lines not read yet), about once a second: a stat, and once caught up a read of the unfinished line only.
   */
  private void publishSpoolEnd() {
    SpoolPosition read = liveReadPosition();
    vertx.executeBlocking(() -> SpoolEnd.of(config.path(), read, SpoolEnd.ESTIMATE_LOOK_BACK), false)
        .onSuccess(end -> vertx.eventBus().publish(ClientBus.SPOOL_END, end, ClientBus.LOCAL));
  }

  /** Where the live reader is (event loop); null between files. */
  private SpoolPosition liveReadPosition() {
    SpoolReader r = live;
    return r == null ? null : r.readPosition();
  }

  // ---- a catch-up that starts while the client runs

  /** Notes a backlog past the threshold after the live read position; the live reader splits at its next step. */
  private void checkBacklog() {
    SpoolReader reader = live;
    SpoolPosition read = reader == null ? null : reader.readPosition();
    if (stopped || history != null || splitDue || backlogChecking || read == null) {
      return;
    }
    backlogChecking = true;
    vertx.executeBlocking(() -> CatchUpPlan.backlogAfter(files, read), true).onComplete(ar -> {
      backlogChecking = false;
      splitDue = ar.succeeded() && ar.result() >= catchUpThreshold;
    });
  }

  /**
   * Between two steps of the reader (nothing of it is held by the batcher): it becomes the history
   * reader, up to the spool's end now; what the batcher holds of it, pending or in flight, becomes
   * the history lane; a new live reader starts at the end.
   */
  private void splitWhileRunning(SpoolReader reader) {
    SpoolPosition read = reader.readPosition();
    if (read == null) {
      pump(reader);
      return;
    }
    vertx.executeBlocking(() -> CatchUpPlan.splitWhileRunning(files, read, catchUpThreshold), true)
        .compose(s -> s == null ? Future.<CatchUpPlan.Segments>succeededFuture(null)
            : CatchUpAnnouncement.announce(vertx, new Checkpoint.CatchUp(s.boundary(), s.live()),
                ClientBus.CATCH_UP_WAIT, () -> stopped).map(s))
        .onComplete(ar -> {
          if (ar.failed()) {
            log.warn("could not start a newest-first catch-up, reading on in order: {}", ar.cause().toString());
          } else if (ar.result() != null) {
            CatchUpPlan.Segments s = ar.result();
            reader.limitTo(s.boundary());
            history = reader;
            live = new SpoolReader(vertx, config, precision, files, stamps, this, null, s.liveResume(), s.liveDone());
            pump(history);
          }
          pump(live);
        });
  }

  /** A flush is waiting: look for new lines now instead of at the next poll (no-op while reading). */
  private void readNow() {
    if (pollTimer >= 0 && vertx.cancelTimer(pollTimer)) {
      pollTimer = -1;
      pump(live);
    }
  }

  // ---- SpoolReader.Host

  @Override
  public Future<Void> send(SpoolChunk chunk) {
    Promise<Void> taken = Promise.promise();
    offer(chunk, taken);
    return taken.future();
  }

  /**
   * Hands a chunk to the batcher, asking again each {@link ClientBus#LINES_WAIT} while it holds the
   * chunk (its window is full) or when nobody took it: the same chunk is taken once.
   */
  private void offer(SpoolChunk chunk, Promise<Void> taken) {
    vertx.eventBus().request(ClientBus.LINES, chunk, ClientBus.LINES_WAIT).onComplete(ar -> {
      if (ar.succeeded()) {
        warnings.clear("hand-over");
        taken.complete();
      } else if (stopped) {
        taken.fail(ar.cause());
      } else if (ar.cause() instanceof ReplyException r && r.failureType() == ReplyFailure.TIMEOUT) {
        offer(chunk, taken); // still held: the batcher waits for a window slot (the server's acks)
      } else {
        long held = warnings.admit("hand-over");
        if (held >= 0) {
          log.warn("lines not handed to the batcher ({}: {}); trying again in {} ms{}", ClientBus.LINES,
              ar.cause().getMessage(), HANDOVER_RETRY_MS, warnings.suffix(held));
        }
        vertx.setTimer(HANDOVER_RETRY_MS, t -> offer(chunk, taken));
      }
    });
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
    pruneStamps(SpoolPosition.START, Set.of(file)); // its offsets now hold other lines
  }

  // ---- dead letters: the dead-letter file's owner appends them (ClientBus.DEAD_LETTER)

  /** Hands quarantined lines to the dead-letter file's owner; completes once they are appended. */
  @Override
  public Future<Void> quarantine(List<DeadLetter> letters) {
    if (letters.isEmpty()) {
      return Future.succeededFuture();
    }
    // a failure fails the read step, which is tried again: the records may be written twice, never lost
    return vertx.eventBus().request(ClientBus.DEAD_LETTER, new DeadLetters(letters, false), ClientBus.DEAD_LETTER_WAIT)
        .mapEmpty();
  }

  /** Before each checkpoint save: everything quarantined before it is on disk (else the save fails, and is retried). */
  private Future<Void> syncDeadLetters() {
    return vertx.eventBus().request(ClientBus.DEAD_LETTER, DeadLetters.SYNC, ClientBus.DEAD_LETTER_WAIT)
        .<Void>mapEmpty()
        .recover(err -> Future.failedFuture("the dead-letter file " + config.deadLetter() + " could not be synced "
            + "before the checkpoint (" + err.getMessage() + ")"));
  }

  // ---- compaction, after each durable checkpoint

  /**
   * Deletes and punches only what the checkpoint's synced position covers: during a catch-up that is
   * the history segment's acknowledged prefix, so nothing after it (the rest of the history, the
   * boundary's file, anything live read) goes before history has passed it.
   */
  private void compact(Checkpoint checkpoint, Checkpoint safe) {
    if (history != null && history.complete() && checkpoint.catchUp() == null) {
      merge();
    }
    SpoolPosition synced = safe.synced();
    pruneStamps(synced, Set.of());
    List<FileId> deletable = new ArrayList<>(live.deletable(synced));
    if (history != null) {
      deletable.addAll(history.deletable(synced));
    }
    if (!deletable.isEmpty()) {
      vertx.executeBlocking(() -> deleteArchives(deletable), true)
          .onSuccess(gone -> {
            live.forget(gone);
            if (history != null) {
              history.forget(gone);
            }
            pruneStamps(synced, gone);
          })
          .onFailure(err -> log.warn("could not delete synced archives: {}", err.toString()));
    }
    SpoolReader.Reading r = live.current;
    if (r != null && r.file.id().equals(synced.file()) && r.file.active() && !punchDisabled && config.compactEvery() > 0
        && Compactor.holeEnd(synced.offset()) - r.punched >= config.compactEvery()) {
      long from = r.punched;
      vertx.executeBlocking(() -> compactor.punch(r.file.path(), synced, from), true)
          .onSuccess(to -> {
            r.punched = Math.max(r.punched, to);
            punchFailures = 0;
          })
          .onFailure(err -> {
            // a one-off (e.g. a rotation at that moment) is tried again at the next checkpoint
            punchDisabled = ++punchFailures >= MAX_PUNCH_FAILURES;
            log.warn("cannot compact the active spool file in place ({}){}", err.getMessage(), punchDisabled
                ? "; synced archives are still deleted, but the active file now only shrinks when Telegraf rotates "
                + "it: set rotation_max_size" : "; trying again at the next checkpoint");
          });
    }
  }

  /** History is acknowledged up to the boundary: one segment again; the files history read come first. */
  private void merge() {
    List<SpoolReader.Finished> read = new ArrayList<>(history.finished);
    for (int i = read.size() - 1; i >= 0; i--) {
      live.finished.addFirst(read.get(i));
    }
    history.close();
    history = null;
    log.info("newest-first catch-up done: the backlog is synced up to the boundary; one segment again");
  }

  private void pruneStamps(SpoolPosition synced, Set<FileId> gone) {
    if (!stamps.isEmpty() && stamps.prune(synced, gone)) {
      List<StampJournal.Entry> kept = stamps.snapshot();
      vertx.executeBlocking(() -> {
        stamps.rewrite(kept);
        return null;
      }, true);
    }
  }

  /** Blocking: deletes the archives with these inodes; returns those no longer in the spool. */
  private Set<FileId> deleteArchives(List<FileId> ids) {
    Set<FileId> gone = new HashSet<>(ids);
    for (SpoolFile f : files.scan()) {
      if (ids.contains(f.id())) {
        if (f.active() || !compactor.deleteArchive(f.path(), f.id())) {
          gone.remove(f.id());
        } else {
          log.info("deleted synced archive {}", f.path().getFileName());
        }
      }
    }
    // gone, whoever deleted them: their inodes may already name new files
    live.done.removeAll(gone);
    SpoolReader h = history;
    if (h != null) {
      h.done.removeAll(gone);
    }
    return gone;
  }
}
