package io.outflux.spool;

import io.outflux.lineprotocol.Precision;
import io.outflux.spool.ResumePlanner.ResumePoint;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.Collection;
import java.util.List;
import java.util.Set;
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
 * <p>The files it is done with are its {@link ReadFiles}, the next one is opened by its {@link FileOpener};
 * the bytes it reads are cut into lines by
 * its {@link LineCutter}; a file that shrank below the read offset is a {@link Truncation}, and
 * {@link TruncatedContent} tells afterwards which content a synced position is in.
 *
 * <p>Event-loop confined, except {@link #deleted}. Each step is one file operation; the chunk it
 * reads is handed on through the {@link Host} and the step completes once the batcher accepted it
 * (backpressure).
 */
final class SpoolReader {

  private static final Logger log = LoggerFactory.getLogger(SpoolTailVerticle.class);
  /**
   * Longest a file operation of a read step may take. The JDK's asynchronous file channel never
   * answers when its task fails with an Error (out of direct memory, say): without a bound the tail
   * would wait forever; with it the step fails, is warned about and is tried again.
   */
  static final long FILE_OP_TIMEOUT_MS = 60_000;

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

  private final Vertx vertx;
  private final SpoolConfig config;
  private final SpoolFiles files;
  private final Host host;
  private SpoolPosition limit;
  private final ReadFiles read;
  /** Which content of a truncated file a synced position is in (after a copytruncate: the copy's). */
  private final TruncatedContent truncations = new TruncatedContent();
  private final LineCutter cutter;
  private final Truncation truncation;
  private final FileOpener opener;
  private volatile Reading current;
  private ResumePoint resume;
  private boolean complete;
  /** The read offset of the last file read, between files. */
  private volatile long lastReadOffset;

  /**
   * @param limit null to follow the spool forever; else the boundary this (history) reader stops at
   * @param resume where to start; null: the oldest file not in {@code done}, from its start
   */
  SpoolReader(Vertx vertx, SpoolConfig config, Precision precision, SpoolFiles files, StampJournal stamps, Host host,
      SpoolPosition limit, ResumePoint resume, Collection<FileId> done) {
    this.vertx = vertx;
    this.config = config;
    this.files = files;
    this.host = host;
    this.limit = limit;
    this.resume = resume;
    this.read = new ReadFiles(done);
    this.cutter = new LineCutter(config, precision, stamps, host, truncations, this::checkRotated);
    this.truncation = new Truncation(vertx, files, host);
    this.opener = new FileOpener(vertx, config, files, read);
  }

  /** From now on this reader reads only up to {@code boundary} (at or after its read position), as history. */
  void limitTo(SpoolPosition boundary) {
    this.limit = boundary;
  }

  /** The file being read and the offset read up to; null between files. */
  SpoolPosition readPosition() {
    Reading r = current;
    return r == null ? null : r.bare();
  }

  /** A history reader that reached its boundary (and said so). */
  boolean complete() {
    return complete;
  }

  /** Any thread: the offset read up to in the file being read (the last one, between files). */
  long readOffset() {
    Reading r = current;
    return r == null ? lastReadOffset : r.readPos();
  }

  /** The size of {@code file} as this reader last saw it; -1 when it does not know it. */
  long seenSize(FileId file) {
    Reading c = current;
    if (c != null && c.file.id().equals(file)) {
      return Math.max(c.seenSize, c.readPos());
    }
    return read.sizeOf(file);
  }

  /** The active file being read when it is {@code file}: its synced prefix may be punched out; else null. */
  Reading activeFile(FileId file) {
    Reading r = current;
    return r != null && r.file.id().equals(file) && r.file.active() ? r : null;
  }

  /** Files this reader's segment had read to their end before this run (a catch-up's live segment). */
  void finishedBefore(List<ReadFiles.Finished> files) {
    read.finishedBefore(files);
  }

  /** The history segment is merged back into this (live) reader: the files it read come first. */
  void readAfter(SpoolReader history) {
    read.readAfter(history.read);
  }

  Future<Void> close() {
    Reading r = current;
    if (r != null) {
      lastReadOffset = r.readPos(); // before current goes: readOffset() never sees an older offset
    }
    current = null;
    return r == null ? Future.succeededFuture() : r.handle.close();
  }

  /** @return true when it made progress (step again at once), false when there is nothing new yet */
  Future<Boolean> step() {
    if (complete) {
      return Future.succeededFuture(false);
    }
    Reading r = current;
    return r == null ? openNext() : readOnce(r);
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
    } else {
      startsAfter(synced);
    }
  }

  /**
   * {@code p} (the checkpoint it resumes at, a catch-up's boundary) may be reported synced though this
   * reader never handed it on: known as the content of the file it starts in, should that be truncated.
   */
  void startsAfter(SpoolPosition p) {
    ResumePoint r = resume;
    if (r != null && r.file().id().equals(p.file())) {
      truncations.handedOn(p);
    }
  }

  /** Finished archives wholly acknowledged by {@code acknowledged}. */
  List<FileId> deletable(SpoolPosition acknowledged) {
    SpoolPosition synced = truncations.locate(acknowledged); // in a copytruncated file's old content: in the copy
    if (synced == null) {
      return List.of();
    }
    Reading r = current;
    return read.deletable(synced, r == null ? null : r.file.id());
  }

  /** These files are gone from the spool. */
  void forget(Set<FileId> gone) {
    read.forget(gone);
  }

  /** Files it is done with (a view; any thread). */
  Set<FileId> done() {
    return read.done();
  }

  /** Any thread (the deleting worker): these files were deleted; their inodes may name new files at once. */
  void deleted(Set<FileId> gone) {
    read.deleted(gone);
  }

  /** Opens the resume point, else the oldest file not read yet; false when there is none. */
  private Future<Boolean> openNext() {
    ResumePoint r = resume;
    resume = null;
    return opener.next(r, limit).compose(o -> {
      if (o.reading() != null) {
        current = o.reading();
        return Future.succeededFuture(true);
      }
      if (o.noFile() && limit != null) {
        return reachedLimit();
      }
      return Future.succeededFuture(o.listAgain());
    });
  }

  // ---- reading

  private Future<Boolean> readOnce(Reading r) {
    boolean limitFile = limit != null && r.file.id().equals(limit.file());
    return bounded(r.handle.size(), () -> "its size", r).compose(fileSize -> {
      if (fileSize < r.readPos()) {
        return shrank(r, fileSize);
      }
      r.seenSize = fileSize;
      long size = limitFile ? Math.min(fileSize, limit.offset()) : fileSize;
      if (size <= r.readPos()) {
        return limitFile ? reachedLimit() : atEnd(r);
      }
      int length = (int) Math.min(config.readChunkSize(), size - r.readPos());
      // the bytes before the read offset are read again with each chunk: if they changed, the file was
      // truncated and written past the offset again before this read (a copytruncate the size missed)
      int overlap = limit == null ? r.tail().length : 0;
      byte[] expected = r.tail();
      return bounded(r.handle.read(Buffer.buffer(length + overlap), 0, r.readPos() - overlap, length + overlap),
          () -> "a read of " + (length + overlap) + " bytes", r)
          .compose(buf -> {
            if (overlap > 0 && !java.util.Arrays.equals(buf.getBytes(0, overlap), expected)) {
              return shrank(r, fileSize);
            }
            return cutter.handOn(r, overlap == 0 ? buf : buf.slice(overlap, buf.length()), limit != null);
          });
    });
  }

  /**
   * {@code op} on {@code r}'s file, failed when it has not answered within {@link #FILE_OP_TIMEOUT_MS}
   * (a late answer is ignored: the step is tried again from the same offset).
   */
  static <T> Future<T> bounded(Future<T> op, java.util.function.Supplier<String> what, Reading r) {
    // the description is built only for a failure: this wraps every read of the tail's hot path
    return op.timeout(FILE_OP_TIMEOUT_MS, java.util.concurrent.TimeUnit.MILLISECONDS)
        .recover(err -> Future.failedFuture(err instanceof java.util.concurrent.TimeoutException
            ? new java.io.IOException("the file system did not answer " + what.get() + " of " + r.name + " at offset "
                + r.readPos() + " within " + FILE_OP_TIMEOUT_MS / 1000 + " s (out of direct memory? see the log above)")
            : err));
  }

  /**
   * The file being read became shorter than the read offset (or holds other bytes before it): read on
   * in its copy, then the file again from its start; without a copy, from its start at once.
   */
  private Future<Boolean> shrank(Reading r, long fileSize) {
    return truncation.copyOf(r, fileSize, limit == null, read.done()).compose(copy -> {
      host.truncated(r.file.id()); // its offsets now hold other lines
      truncations.truncated(r.file.id(), copy == null ? null : copy.id());
      if (copy != null) {
        lastReadOffset = r.readPos();
        current = null;
        resume = new ResumePoint(copy, r.readPos());
        return r.handle.close().map(true);
      }
      r.restart(fileSize); // other lines now: another file for the server
      return Future.succeededFuture(true);
    });
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
    if (!r.written()) {
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
      r.rotatedAway();
      return true;
    });
  }

  private Future<Boolean> finish(Reading r) {
    lastReadOffset = r.readPos();
    current = null;
    truncations.finished(r.file.id());
    read.finished(r.file.id(), r.readPos());
    log.info("finished reading {} ({}) at offset {}", r.name, r.file.id(), r.readPos());
    return r.handle.close().map(v -> true);
  }
}
