package io.outflux.spool;

import io.outflux.lineprotocol.Precision;
import io.outflux.spool.ResumePlanner.ResumePoint;
import io.outflux.spool.SpoolFiles.SpoolFile;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one segment of the spool like {@code tail -F}: Telegraf's rotated archives oldest first,
 * then the active file; when the active path is renamed away (rotation) the old inode is read to
 * its end before the next file. Normally there is one reader, without a limit. During a
 * newest-first catch-up there are two: the live reader, from the boundary on, and the history
 * reader, whose {@code limit} is the boundary: it stops there, wherever that file has been renamed
 * to meanwhile, and says so with a history chunk without lines. A catch-up that starts while the
 * client runs turns the reader that was following the spool into the history reader
 * ({@link #limitTo}).
 *
 * <p>Event-loop confined, except {@link #done}, which worker tasks also touch. Each step is one
 * file operation; the chunk it reads is handed on through the {@link Host} and the step completes
 * once the batcher accepted it (backpressure).
 */
final class SpoolReader {

  private static final Logger log = LoggerFactory.getLogger(SpoolTailVerticle.class);
  private static final int OVERSIZED_KEEP = 4096;

  /** What a reader needs from the tail: quarantine, stamp journal, the batcher. */
  interface Host {
    Future<Void> quarantine(List<DeadLetter> letters);

    /** Makes the stamps given by a read durable before its lines leave. */
    Future<Void> journal(StampJournal.Entry entry);

    /** Hands a chunk to the batcher; completes when it accepted it. */
    Future<Void> send(SpoolChunk chunk);

    /** A file was truncated: its offsets now hold other lines. */
    void truncated(FileId file);

    /** Spool data is provably gone before it was synced. */
    void lost(LossLedger.Loss loss);
  }

  /** The file being read. */
  static final class Reading {
    final SpoolFile file;
    final AsyncFile handle;
    final String name;
    long readPos;
    boolean draining;
    boolean skippingOversized;
    long punched;
    /** The file's size at the last look. */
    long seenSize;
    /** Up to {@link SpoolPosition#TAIL_BYTES} bytes just before {@link #readPos}: finds a copytruncate's copy. */
    byte[] tail = new byte[0];
    /** The file's identity for the server ({@link SpoolFileKey}); null until its first line is known. */
    String key;

    Reading(SpoolFile file, AsyncFile handle, long readPos) {
      this.file = file;
      this.handle = handle;
      this.name = file.path().getFileName().toString();
      this.readPos = readPos;
    }
  }

  /** A file read to its end and no longer written: deleted once acknowledged up to {@code size}. */
  record Finished(FileId id, long size) {
  }

  private final Vertx vertx;
  private final SpoolConfig config;
  private final Precision precision;
  private final SpoolFiles files;
  private final StampJournal stamps;
  private final Host host;
  private SpoolPosition limit;
  private final LineFilter filter;
  private final FreshStamps freshStamps = new FreshStamps();
  private final RateLimitedLog warnings = RateLimitedLog.systemClock();
  /**
   * Files read to their end (or not this reader's business). Touched on the event loop and in
   * worker tasks, hence concurrent. An inode leaves the set as soon as its file is deleted: the
   * writer may create the next file with the same inode number at once.
   */
  final Set<FileId> done = ConcurrentHashMap.newKeySet();
  final ArrayDeque<Finished> finished = new ArrayDeque<>();
  Reading current;
  private ResumePoint resume;
  private boolean complete;
  private boolean waitingForFileLogged;
  private volatile long readOffset;
  /** Which content of a truncated file a synced position is in (after a copytruncate: the copy's). */
  private final TruncatedContent truncations = new TruncatedContent();

  /**
   * @param limit null to follow the spool forever; else the boundary this (history) reader stops at
   * @param resume where to start; null: the oldest file not in {@code done}, from its start
   */
  SpoolReader(Vertx vertx, SpoolConfig config, Precision precision, SpoolFiles files, StampJournal stamps, Host host,
      SpoolPosition limit, ResumePoint resume, Collection<FileId> done) {
    this.vertx = vertx;
    this.config = config;
    this.precision = precision;
    this.files = files;
    this.stamps = stamps;
    this.host = host;
    this.limit = limit;
    this.resume = resume;
    this.done.addAll(done);
    this.filter = new LineFilter(precision, config.readChunkLines());
  }

  boolean history() {
    return limit != null;
  }

  /** From now on this reader reads only up to {@code boundary} (at or after its read position), as history. */
  void limitTo(SpoolPosition boundary) {
    this.limit = boundary;
  }

  /** The file being read and the offset read up to; null between files. */
  SpoolPosition readPosition() {
    Reading r = current;
    return r == null ? null : new SpoolPosition(r.file.id(), r.name, r.readPos, "");
  }

  /** A history reader that reached its boundary (and said so). */
  boolean complete() {
    return complete;
  }

  long readOffset() {
    return readOffset;
  }

  Future<Void> close() {
    Reading r = current;
    current = null;
    return r == null ? Future.succeededFuture() : r.handle.close();
  }

  /** @return true when it made progress (step again at once), false when there is nothing new yet */
  Future<Boolean> step() {
    if (complete) {
      return Future.succeededFuture(false);
    }
    return current == null ? openNext() : readOnce(current);
  }

  /**
   * After a restart in a copytruncate's copy ({@code resume} is not the checkpoint's file): the
   * checkpoint's {@code synced} position is in the truncated file's old content, which the copy holds.
   */
  void resumingFrom(SpoolPosition synced) {
    ResumePoint r = resume;
    if (r != null && !synced.file().equals(FileId.UNKNOWN) && !r.file().id().equals(synced.file())
        && r.offset() == synced.offset()) {
      truncations.resumedInCopy(synced, r.file().id());
    }
  }

  /** Archives of {@link #finished} wholly acknowledged by {@code synced}. */
  List<FileId> deletable(SpoolPosition acknowledged) {
    List<FileId> deletable = new ArrayList<>();
    SpoolPosition synced = truncations.locate(acknowledged); // in a copytruncated file's old content: in the copy
    if (synced == null) {
      return deletable;
    }
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
    return deletable;
  }

  void forget(Set<FileId> gone) {
    finished.removeIf(f -> gone.contains(f.id()));
    done.removeAll(gone);
  }

  // ---- opening files

  /** Opens the resume point, else the oldest file not read yet; false when there is none. */
  private Future<Boolean> openNext() {
    ResumePoint r = resume;
    resume = null;
    Future<ResumePoint> next = r != null ? Future.succeededFuture(r) : vertx.executeBlocking(this::oldestUnread, true);
    return next.compose(n -> {
      if (n == null && limit != null) {
        return reachedLimit();
      }
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

  /** Blocking. A history reader never goes past its boundary's file: null once that file is done (or gone). */
  private ResumePoint oldestUnread() {
    List<SpoolFile> list = files.scan();
    Set<FileId> present = new HashSet<>();
    list.forEach(f -> present.add(f.id()));
    done.retainAll(present); // a deleted file's inode may be reused by a new file
    for (SpoolFile f : list) {
      boolean limitFile = limit != null && f.id().equals(limit.file());
      if (!done.contains(f.id())) {
        return new ResumePoint(f, 0);
      }
      if (limitFile) {
        return null;
      }
    }
    if (limit != null) {
      log.warn("the catch-up boundary's file {} ({}) is no longer in the spool; the history segment ends here",
          limit.name(), limit.file());
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
          warnings.clear("open");
          readOffset = r.offset();
          log.info("reading {} ({}) from offset {}{}", r.file().path().getFileName(), r.file().id(), r.offset(),
              limit == null ? "" : " (history segment, up to " + limit.name() + " offset " + limit.offset() + ")");
          return Future.succeededFuture(true);
        }), err -> {
          long held = warnings.admit("open"); // e.g. gone since listing, or unreadable: list again later
          if (held >= 0) {
            log.warn("cannot open spool file {}: {}{}", path, err.toString(), warnings.suffix(held));
          }
          return Future.succeededFuture(false);
        });
  }

  // ---- reading

  private Future<Boolean> readOnce(Reading r) {
    boolean limitFile = limit != null && r.file.id().equals(limit.file());
    return r.handle.size().compose(fileSize -> {
      if (fileSize < r.readPos) {
        return shrank(r, fileSize);
      }
      r.seenSize = fileSize;
      long size = limitFile ? Math.min(fileSize, limit.offset()) : fileSize;
      if (size <= r.readPos) {
        return limitFile ? reachedLimit() : atEnd(r);
      }
      int length = (int) Math.min(config.readChunkSize(), size - r.readPos);
      // the bytes before the read offset are read again with each chunk: if they changed, the file was
      // truncated and written past the offset again before this read (a copytruncate the size missed)
      int overlap = limit == null ? r.tail.length : 0;
      byte[] expected = r.tail;
      return r.handle.read(Buffer.buffer(length + overlap), 0, r.readPos - overlap, length + overlap)
          .compose(buf -> {
            if (overlap > 0 && !java.util.Arrays.equals(buf.getBytes(0, overlap), expected)) {
              return shrank(r, fileSize);
            }
            return handOn(r, overlap == 0 ? buf : buf.slice(overlap, buf.length()));
          });
    });
  }

  /**
   * The file being read became shorter than the read offset. A copytruncate (the file copied to an
   * archive name, then truncated in place): the archive that holds the same bytes before the read
   * offset is read on from there, and the truncated file again from its start after it. No copy: the
   * bytes between the read offset and the size last seen are gone, and recorded as a loss.
   */
  private Future<Boolean> shrank(Reading r, long fileSize) {
    if (fileSize >= r.readPos) {
      log.info("spool file {} holds other bytes before the read offset {} than were read there: it was truncated and "
          + "written again since the last read", r.name, r.readPos);
    }
    SpoolPosition at = new SpoolPosition(r.file.id(), r.name, r.readPos, Base64.getEncoder().encodeToString(r.tail));
    Future<SpoolFile> search = limit != null || r.tail.length == 0 ? Future.succeededFuture(null)
        : vertx.executeBlocking(() -> ResumePlanner.findCopy(files.scan(), at, done), true);
    return search.compose(copy -> {
      if (copy != null) {
        return Future.succeededFuture(copy);
      }
      Future<LostCopy.Found> held = r.tail.length == 0 ? Future.succeededFuture(null)
          : vertx.executeBlocking(() -> LostCopy.find(files, at), true);
      return held.map(h -> {
        lostTo(r, fileSize, h);
        return (SpoolFile) null;
      });
    }).compose(copy -> {
      host.truncated(r.file.id()); // its offsets now hold other lines
      if (copy != null) {
        log.info("spool file {} was truncated to {} bytes below the read offset {}, and {} holds its content (a "
            + "copytruncate): reading on there from offset {}, then {} from its start", r.name, fileSize, r.readPos,
            copy.path().getFileName(), r.readPos, r.name);
        current = null;
        truncations.truncated(r.file.id(), copy.id());
        resume = new ResumePoint(copy, r.readPos);
        return r.handle.close().map(true);
      }
      truncations.truncated(r.file.id(), null);
      r.readPos = 0;
      r.punched = 0;
      r.skippingOversized = false;
      r.seenSize = fileSize;
      r.tail = new byte[0];
      r.key = null; // other lines now: another file for the server
      readOffset = 0;
      return Future.succeededFuture(true);
    });
  }

  /**
   * Records the loss of a truncation without a readable copy: the bytes between the read offset and
   * the size last seen (lines unknown, they are gone), or, when a copy outflux does not read holds
   * them ({@code held}), exactly what the copy has after the offset.
   */
  private void lostTo(Reading r, long fileSize, LostCopy.Found held) {
    long lost = held != null ? held.bytes() : Math.max(0, r.seenSize - r.readPos);
    long lines = held != null ? held.lines() : (lost == 0 ? 0 : -1);
    String cause = "truncated below the read offset " + r.readPos + (held != null
        ? "; " + LostCopy.cause(held, files.spool().getFileName().toString(), r.readPos)
        : " with no copy found (an external truncate, or a copytruncate whose copy has a name outflux does not know: "
        + "name it <stem>.<YYYY-MM-DD>-<unix seconds><ext> as Telegraf does, or <name>.N / <name>-YYYYMMDD as "
        + "logrotate does)");
    log.warn("spool data lost: {} bytes ({}) of {}, which shrank to {} bytes below the read offset {}, not read yet: "
        + "{}; reading it from the start (outflux loss list shows it; outflux loss ack clears it)", lost,
        lines < 0 ? "lines unknown" : lines + " lines", r.name, fileSize, r.readPos, cause);
    host.lost(new LossLedger.Loss(Instant.now(), r.name, lost, lines, cause, false));
  }

  /** The history segment is read: the batcher hears it with a chunk without lines. */
  private Future<Boolean> reachedLimit() {
    log.info("history segment read up to the catch-up boundary ({} offset {})", limit.name(), limit.offset());
    complete = true; // before the batcher hears it: the merged checkpoint must find this reader complete
    return close()
        .compose(v -> host.send(new SpoolChunk(limit, limit, Buffer.buffer(), 0, true)))
        .map(false);
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
    truncations.finished(r.file.id());
    done.add(r.file.id());
    finished.addLast(new Finished(r.file.id(), r.readPos));
    log.info("finished reading {} ({}) at offset {}", r.name, r.file.id(), r.readPos);
    return r.handle.close().map(v -> true);
  }

  /** Learns the file's key (one read of its first bytes per file opened), then hands the lines on. */
  private Future<Boolean> handOn(Reading r, Buffer buf) {
    if (r.key != null) {
      return filterAndHandOn(r, buf);
    }
    return r.handle.read(Buffer.buffer(SpoolFileKey.HEAD_BYTES), 0, 0, SpoolFileKey.HEAD_BYTES)
        .map(head -> SpoolFileKey.of(r.file.id(), head))
        .otherwise(err -> null) // the batches then carry no span: the server identifies them by content
        .compose(key -> {
          r.key = key;
          return filterAndHandOn(r, buf);
        });
  }

  private Future<Boolean> filterAndHandOn(Reading r, Buffer buf) {
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
      return skipOversized(r, buf, length).compose(progress -> host.quarantine(List.of(letter)).map(progress));
    }
    long from = r.readPos;
    r.readPos += filter.consumed;
    readOffset = r.readPos;
    r.tail = buf.getBytes(Math.max(0, filter.consumed - SpoolPosition.TAIL_BYTES), filter.consumed);
    if (filter.holeBytes > 0) {
      log.info("skipped {} bytes of a compacted region of {} at offset {}", filter.holeBytes, r.name, from);
    }
    List<DeadLetter> dead = List.copyOf(filter.dead);
    if (filter.lines == 0) {
      return host.quarantine(dead).map(true);
    }
    SpoolChunk chunk = new SpoolChunk(position(r, from, null, 0), position(r, r.readPos, buf, filter.consumed),
        filter.out, filter.lines, limit != null, r.key, filter.verbatim);
    truncations.handedOn(chunk.end());
    Future<Void> journaled = freshStamps.firstFresh < 0 ? Future.succeededFuture()
        : host.journal(new StampJournal.Entry(r.file.id(), freshStamps.firstFresh, r.readPos, freshStamps.fresh));
    return host.quarantine(dead).compose(v -> journaled).compose(v -> host.send(chunk)).map(true);
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
    r.tail = buf.getBytes(Math.max(0, length - SpoolPosition.TAIL_BYTES), length);
    return host.quarantine(List.of(letter)).map(true);
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
      r.tail = buf.getBytes(Math.max(0, length - SpoolPosition.TAIL_BYTES), length);
    } else {
      r.readPos += nl + 1;
      r.skippingOversized = false;
      r.tail = buf.getBytes(Math.max(0, nl + 1 - SpoolPosition.TAIL_BYTES), nl + 1);
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
}
