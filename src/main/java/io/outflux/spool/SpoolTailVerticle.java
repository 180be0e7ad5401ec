package io.outflux.spool;

import io.outflux.batch.RejectedLines;
import io.outflux.client.ClientBus;
import io.outflux.lineprotocol.Precision;
import io.outflux.spool.ResumePlanner.ResumePoint;
import io.outflux.spool.SpoolFiles.SpoolFile;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the spool like {@code tail -F}, from the durable checkpoint: Telegraf's rotated archives
 * oldest first, then the active file; when the active path is renamed away (rotation) the old
 * inode is read to its end before the next file. Each read is validated ({@link LineFilter}):
 * valid lines go to the batcher one chunk at a time (the next read starts only after the batcher
 * accepted the previous chunk, so a backlog of any size never sits in memory), invalid ones to the
 * dead-letter file. When batches are acknowledged it persists the checkpoint and compacts: deletes
 * wholly synced archives, punches the synced prefix out of the active file (see {@link Compactor}).
 *
 * <p>Every file operation is asynchronous (Vert.x file system) or runs on this verticle's ordered
 * worker queue, so dead-letter appends, checkpoint saves and compaction happen in the order asked.
 */
public final class SpoolTailVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(SpoolTailVerticle.class);
  private static final int OVERSIZED_KEEP = 4096;

  /** The file being read. */
  private static final class Reading {
    final SpoolFile file;
    final AsyncFile handle;
    final String name;
    long readPos;
    boolean draining;
    boolean skippingOversized;
    long punched;

    Reading(SpoolFile file, AsyncFile handle, long readPos) {
      this.file = file;
      this.handle = handle;
      this.name = file.path().getFileName().toString();
      this.readPos = readPos;
    }
  }

  /** A file read to its end and no longer written: deleted once acknowledged up to {@code size}. */
  private record Finished(FileId id, long size) {
  }

  private final SpoolConfig config;
  private final Precision precision;
  private final Checkpoint start;
  private final SpoolFiles files;
  private final LineFilter filter;
  private final Compactor compactor = new Compactor();
  private final CheckpointWriter checkpointWriter;
  private final DeadLetterFile deadLetters;
  private final StampJournal stamps;
  private final FreshStamps freshStamps = new FreshStamps();
  /**
   * Files read to their end in this run. Touched on the event loop and in ordered worker tasks,
   * hence concurrent. An inode leaves the set as soon as its file is deleted: the writer may create
   * the next file with the same inode number at once.
   */
  private final Set<FileId> done = ConcurrentHashMap.newKeySet();
  private final ArrayDeque<Finished> finished = new ArrayDeque<>();
  private Reading current;
  private ResumePoint resume;
  private boolean punchDisabled;
  private boolean stopped;
  private long pollTimer = -1;
  private boolean waitingForFileLogged;
  private volatile long deadLettered;
  private volatile long readOffset;

  public SpoolTailVerticle(SpoolConfig config, Precision precision, Checkpoint start) {
    this.config = config;
    this.precision = precision;
    this.start = start;
    this.files = new SpoolFiles(config.path());
    this.filter = new LineFilter(precision, config.readChunkLines());
    this.checkpointWriter = new CheckpointWriter(new CheckpointStore(config.checkpoint()), start);
    this.deadLetters = new DeadLetterFile(config.deadLetter());
    this.stamps = new StampJournal(Path.of(config.checkpoint() + ".stamps"));
  }

  /** Stamps of one read: earlier stamps of re-read lines from the journal, else the read time. */
  private final class FreshStamps implements LineFilter.Stamper {
    FileId file;
    long fresh;
    long firstFresh;

    void reset(FileId file, long fresh) {
      this.file = file;
      this.fresh = fresh;
      this.firstFresh = -1;
    }

    @Override
    public long stampFor(long lineOffset) {
      if (!stamps.isEmpty()) {
        long earlier = stamps.stampOf(file, lineOffset);
        if (earlier != Long.MIN_VALUE) {
          return earlier;
        }
      }
      if (firstFresh < 0) {
        firstFresh = lineOffset;
      }
      return fresh;
    }
  }

  /** The tail's part of {@code GET /status}: is the spool readable, what is in the dead-letter file. */
  private Future<io.vertx.core.json.JsonObject> status() {
    long now = deadLettered;
    return vertx.executeBlocking(() -> SpoolHealth.problem(config.path()), false)
        .map(problem -> SpoolHealth.json(config, problem, deadLetterAtStart < 0 ? -1 : deadLetterAtStart + now, now,
            readOffset));
  }

  /** Records in the dead-letter file when this process started; -1 until counted or when unreadable. */
  private volatile long deadLetterAtStart = -1;

  /** Lines quarantined by this process (validation, oversized and InfluxDB rejects). */
  public long deadLettered() {
    return deadLettered;
  }

  /** The read offset in the current file: everything before it was handed on (for tests and metrics). */
  public long readOffset() {
    return readOffset;
  }

  @Override
  public Future<?> start() {
    checkpointWriter.attach(vertx, deadLetters::force, this::compact);
    vertx.eventBus().<Checkpoint>localConsumer(ClientBus.ACKED, msg -> checkpointWriter.offer(msg.body()));
    vertx.eventBus().<RejectedLines>localConsumer(ClientBus.DEAD_LETTER, msg -> onRejected(msg.body()));
    vertx.eventBus().localConsumer(ClientBus.READ_NOW, msg -> readNow());
    vertx.eventBus().localConsumer(ClientBus.STATUS_SPOOL, msg -> status().onComplete(ar -> {
      if (ar.succeeded()) {
        msg.reply(ar.result());
      } else {
        msg.fail(500, ar.cause().toString());
      }
    }));
    // records left by earlier runs, counted once (off the event loop); this run's are added as they come
    vertx.executeBlocking(() -> SpoolHealth.countRecords(config.deadLetter()), true)
        .onSuccess(n -> deadLetterAtStart = n);
    return vertx.executeBlocking(stamps::load, true)
        .compose(loaded -> {
          stamps.set(loaded);
          return vertx.executeBlocking(() -> ResumePlanner.plan(files, start, stamps, compactor, done), true);
        })
        .onSuccess(r -> {
          resume = r;
          vertx.runOnContext(v -> pump());
        });
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    Future<Void> closed = current == null ? Future.succeededFuture() : current.handle.close();
    return Future.all(closed, checkpointWriter.drain())
        .compose(v -> vertx.executeBlocking(() -> {
          deadLetters.close();
          return null;
        }, true));
  }

  // ---- the read loop

  private void pump() {
    if (stopped) {
      return;
    }
    Future<Boolean> step = current == null ? openNext() : readOnce(current);
    step.onComplete(ar -> {
      if (ar.failed()) {
        log.warn("reading the spool {} failed, retrying: {}", config.path(), ar.cause().toString());
        later();
      } else if (ar.result()) {
        pump();
      } else {
        later();
      }
    });
  }

  private void later() {
    if (!stopped) {
      pollTimer = vertx.setTimer(config.pollInterval().toMillis(), id -> {
        pollTimer = -1;
        pump();
      });
    }
  }

  /** A flush is waiting: look for new lines now instead of at the next poll (no-op while reading). */
  private void readNow() {
    if (pollTimer >= 0 && vertx.cancelTimer(pollTimer)) {
      pollTimer = -1;
      pump();
    }
  }

  /** Opens the resume point, else the oldest file not read yet; false when there is none. */
  private Future<Boolean> openNext() {
    ResumePoint r = resume;
    resume = null;
    Future<ResumePoint> next = r != null ? Future.succeededFuture(r) : vertx.executeBlocking(this::oldestUnread, true);
    return next.compose(n -> {
      if (n == null) {
        if (!waitingForFileLogged) {
          log.info("spool {} does not exist yet; waiting for the writer to create it", config.path());
          waitingForFileLogged = true;
        }
        return Future.succeededFuture(false);
      }
      waitingForFileLogged = false;
      return open(n);
    });
  }

  private ResumePoint oldestUnread() {
    List<SpoolFile> list = files.scan();
    Set<FileId> present = new HashSet<>();
    list.forEach(f -> present.add(f.id()));
    done.retainAll(present); // a deleted file's inode may be reused by a new file
    for (SpoolFile f : list) {
      if (!done.contains(f.id())) {
        return new ResumePoint(f, 0);
      }
    }
    return null;
  }

  /** Opens the file and checks that its path still names the inode chosen (it may have rotated meanwhile). */
  private Future<Boolean> open(ResumePoint r) {
    String path = r.file().path().toString();
    return vertx.fileSystem().open(path, new OpenOptions().setRead(true).setWrite(false).setCreate(false))
        .compose(handle -> vertx.executeBlocking(() -> FileId.ofOrNull(r.file().path()), true).compose(id -> {
          if (!r.file().id().equals(id)) {
            return handle.close().map(v -> true); // rotated between listing and opening: list again
          }
          current = new Reading(r.file(), handle, r.offset());
          readOffset = r.offset();
          log.info("reading {} ({}) from offset {}", r.file().path().getFileName(), r.file().id(), r.offset());
          return Future.succeededFuture(true);
        }), err -> {
          log.warn("cannot open spool file {}: {}", path, err.toString()); // e.g. gone since listing: list again later
          return Future.succeededFuture(false);
        });
  }

  /** @return true when it made progress (read again at once), false when there is nothing new yet */
  private Future<Boolean> readOnce(Reading r) {
    return r.handle.size().compose(size -> {
      if (size < r.readPos) {
        log.warn("spool file {} shrank to {} bytes below the read offset {}: it was truncated; reading it from the "
            + "start (lines written before the truncation and not read yet are gone)", r.name, size, r.readPos);
        r.readPos = 0;
        r.punched = 0;
        r.skippingOversized = false;
        pruneStamps(SpoolPosition.START, Set.of(r.file.id())); // its offsets now hold other lines
      }
      if (size == r.readPos) {
        return atEnd(r);
      }
      int length = (int) Math.min(config.readChunkSize(), size - r.readPos);
      return r.handle.read(Buffer.buffer(length), 0, r.readPos, length).compose(buf -> handOn(r, buf));
    });
  }

  /**
   * At the end of the file. An archive is finished. The active file is finished once its path names
   * another inode (Telegraf closed and renamed it): it is then read once more to its end first.
   */
  private Future<Boolean> atEnd(Reading r) {
    if (!r.file.active() || r.draining) {
      return finish(r);
    }
    return checkRotated(r);
  }

  /** True (and draining) when the active path now names another inode; false: wait for more data. */
  private Future<Boolean> checkRotated(Reading r) {
    return vertx.executeBlocking(() -> FileId.ofOrNull(r.file.path()), true).map(id -> {
      if (r.file.id().equals(id)) {
        return false;
      }
      log.info("spool {} was rotated (the path now names {}); finishing the old file first",
          config.path(), id == null ? "nothing" : id);
      r.draining = true;
      return true;
    });
  }

  private Future<Boolean> finish(Reading r) {
    current = null;
    done.add(r.file.id());
    finished.addLast(new Finished(r.file.id(), r.readPos));
    log.info("finished reading {} ({}) at offset {}", r.name, r.file.id(), r.readPos);
    return r.handle.close().map(v -> true);
  }

  private Future<Boolean> handOn(Reading r, Buffer buf) {
    int length = buf.length();
    if (r.skippingOversized) {
      return skipOversized(r, buf, length);
    }
    Instant now = Instant.now();
    freshStamps.reset(r.file.id(), precision.of(now));
    filter.filter(buf, length, r.readPos, r.name, freshStamps, now);
    if (filter.consumed == 0) {
      if (length < config.readChunkSize()) {
        return incompleteLastLine(r, buf, length, now);
      }
      DeadLetter letter = LineFilter.oversized(buf, OVERSIZED_KEEP, r.readPos, r.name, config.readChunkSize(), now);
      r.skippingOversized = true;
      return skipOversized(r, buf, length).compose(progress -> quarantine(List.of(letter)).map(progress));
    }
    long from = r.readPos;
    r.readPos += filter.consumed;
    readOffset = r.readPos;
    if (filter.holeBytes > 0) {
      log.info("skipped {} bytes of a compacted region of {} at offset {}", filter.holeBytes, r.name, from);
    }
    List<DeadLetter> dead = List.copyOf(filter.dead);
    if (filter.lines == 0) {
      return quarantine(dead).map(true);
    }
    SpoolChunk chunk = new SpoolChunk(position(r, from, null, 0), position(r, r.readPos, buf, filter.consumed),
        filter.out, filter.lines);
    return quarantine(dead).compose(v -> journalStamps(r))
        .compose(v -> vertx.eventBus().request(ClientBus.LINES, chunk, ClientBus.UNBOUNDED_WAIT))
        .map(reply -> true);
  }

  /** Makes the stamps given in this read durable before the lines leave (a re-read after a crash reuses them). */
  private Future<Void> journalStamps(Reading r) {
    if (freshStamps.firstFresh < 0) {
      return Future.succeededFuture();
    }
    StampJournal.Entry entry = new StampJournal.Entry(r.file.id(), freshStamps.firstFresh, r.readPos,
        freshStamps.fresh);
    stamps.add(entry);
    return vertx.executeBlocking(() -> {
      stamps.append(entry);
      return null;
    }, true);
  }

  /**
   * A last line without its newline. In the active file it is being written: wait for the newline
   * (but notice a rotation meanwhile). In a file that was rotated away nobody will finish it: it is
   * dead-lettered, so the files behind it are not blocked.
   */
  private Future<Boolean> incompleteLastLine(Reading r, Buffer buf, int length, Instant now) {
    if (r.file.active() && !r.draining) {
      return checkRotated(r);
    }
    DeadLetter letter = new DeadLetter(now, "validation", "incomplete last line of a rotated file (no newline at its "
        + "end)", r.name, r.readPos, -1, buf.getBytes(0, Math.min(length, OVERSIZED_KEEP)), length > OVERSIZED_KEEP);
    r.readPos += length;
    readOffset = r.readPos;
    return quarantine(List.of(letter)).map(true);
  }

  /** Skips the rest of a line longer than the read size, up to and including its newline. */
  private Future<Boolean> skipOversized(Reading r, Buffer buf, int length) {
    int nl = -1;
    for (int i = 0; i < length; i++) {
      if (buf.getByte(i) == '\n') {
        nl = i;
        break;
      }
    }
    if (nl < 0) {
      if (length < config.readChunkSize() && r.file.active() && !r.draining) {
        return checkRotated(r); // the long line is still being written
      }
      r.readPos += length;
    } else {
      r.readPos += nl + 1;
      r.skippingOversized = false;
    }
    readOffset = r.readPos;
    return Future.succeededFuture(true);
  }

  private static SpoolPosition position(Reading r, long offset, Buffer buf, int end) {
    String tail = "";
    if (buf != null) {
      int from = Math.max(0, end - SpoolPosition.TAIL_BYTES);
      tail = Base64.getEncoder().encodeToString(buf.getBytes(from, end));
    }
    return new SpoolPosition(r.file.id(), r.name, offset, tail);
  }

  // ---- dead letters

  private void onRejected(RejectedLines rejected) {
    Instant now = Instant.now();
    List<DeadLetter> letters = new ArrayList<>();
    rejected.lines().forEach(rej -> letters.add(new DeadLetter(now, "influxdb", rej.reason(), "", -1,
        rejected.seq(), rej.line().getBytes(StandardCharsets.UTF_8), false)));
    quarantine(letters);
  }

  /** Appends to the dead-letter file (ordered before any later checkpoint save). */
  private Future<Void> quarantine(List<DeadLetter> letters) {
    if (letters.isEmpty()) {
      return Future.succeededFuture();
    }
    long before = deadLettered;
    deadLettered = before + letters.size();
    for (DeadLetter d : letters) {
      long n = ++before;
      if (n <= 10 || Long.bitCount(n) == 1) {
        log.warn("dead-lettered line #{} ({}{}): {} -> {}", n, d.stage(), d.file().isEmpty() ? ", batch " + d.batch()
            : ", " + d.file() + " offset " + d.offset(), d.reason(), config.deadLetter());
      }
    }
    return vertx.<Void>executeBlocking(() -> {
      deadLetters.append(letters);
      return null;
    }, true).onFailure(err -> log.error("could not write {} dead letters: {}", letters.size(), err.toString()));
  }

  // ---- compaction, after each durable checkpoint

  private void compact(Checkpoint checkpoint) {
    SpoolPosition synced = checkpoint.synced();
    pruneStamps(synced, Set.of());
    List<FileId> deletable = new ArrayList<>();
    boolean onCurrent = current != null && current.file.id().equals(synced.file());
    boolean onFinished = finished.stream().anyMatch(f -> f.id().equals(synced.file()));
    if (onCurrent || onFinished) {
      for (Finished f : finished) {
        if (f.id().equals(synced.file())) {
          if (synced.offset() >= f.size()) {
            deletable.add(f.id());
          }
          break;
        }
        deletable.add(f.id());
      }
    }
    if (!deletable.isEmpty()) {
      vertx.executeBlocking(() -> deleteArchives(deletable), true)
          .onSuccess(gone -> {
            finished.removeIf(f -> gone.contains(f.id()));
            pruneStamps(synced, gone);
          })
          .onFailure(err -> log.warn("could not delete synced archives: {}", err.toString()));
    }
    Reading r = current;
    if (onCurrent && r.file.active() && !punchDisabled && config.compactEvery() > 0
        && Compactor.holeEnd(synced.offset()) - r.punched >= config.compactEvery()) {
      long from = r.punched;
      vertx.executeBlocking(() -> compactor.punch(r.file.path(), synced, from), true)
          .onSuccess(to -> r.punched = Math.max(r.punched, to))
          .onFailure(err -> {
            punchDisabled = true;
            log.warn("cannot compact the active spool file in place ({}); synced archives are still deleted, but the "
                + "active file now only shrinks when Telegraf rotates it: set rotation_max_size", err.getMessage());
          });
    }
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
    done.removeAll(gone); // gone, whoever deleted them: their inodes may already name new files
    return gone;
  }
}
