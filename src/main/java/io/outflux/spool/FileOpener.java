package io.outflux.spool;

import io.outflux.spool.ResumePlanner.ResumePoint;
import io.outflux.spool.SpoolFiles.SpoolFile;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.file.OpenOptions;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the file a reader reads next: its resume point, else the oldest file of the spool it is not
 * done with ({@link ReadFiles#next}), checking that the path still names the inode chosen (it may
 * have rotated meanwhile). Event-loop side; listing and stat run on the worker queue.
 */
final class FileOpener {

  private static final Logger log = LoggerFactory.getLogger(SpoolTailVerticle.class);

  /**
   * What opening found: the file; or no file to read (for a history reader: its segment is read); or
   * list again at once (it rotated meanwhile); or try again later (it could not be opened).
   */
  record Opened(Reading reading, boolean noFile, boolean listAgain) {
    static final Opened NO_FILE = new Opened(null, true, false);
    static final Opened LIST_AGAIN = new Opened(null, false, true);
    static final Opened LATER = new Opened(null, false, false);
  }

  private final Vertx vertx;
  private final SpoolConfig config;
  private final SpoolFiles files;
  private final ReadFiles read;
  private final RateLimitedLog warnings = RateLimitedLog.systemClock();
  private boolean waitingForFileLogged;

  FileOpener(Vertx vertx, SpoolConfig config, SpoolFiles files, ReadFiles read) {
    this.vertx = vertx;
    this.config = config;
    this.files = files;
    this.read = read;
  }

  /**
   * @param resume where to start, null: the oldest file not done
   * @param limit a history reader's boundary (never a file past its file), null for the live reader
   * @return {@link Opened#NO_FILE} when there is no file (for a history reader: its segment is read)
   */
  Future<Opened> next(ResumePoint resume, SpoolPosition limit) {
    Future<ResumePoint> next = resume != null ? Future.succeededFuture(resume)
        : vertx.executeBlocking(() -> oldestUnread(limit), true);
    return next.compose(n -> {
      if (n == null) {
        if (limit == null && !waitingForFileLogged) {
          log.info("spool {} does not exist yet; waiting for the writer to create it", config.path());
          waitingForFileLogged = true;
        }
        return Future.succeededFuture(Opened.NO_FILE);
      }
      waitingForFileLogged = false;
      return open(n, limit);
    });
  }

  /** Blocking. A history reader never goes past its boundary's file: null once that file is done (or gone). */
  private ResumePoint oldestUnread(SpoolPosition limit) {
    List<SpoolFile> list = files.scan();
    ResumePoint next = read.next(list, limit);
    if (next == null && limit != null && list.stream().noneMatch(f -> f.id().equals(limit.file()))) {
      log.warn("the catch-up boundary's file {} ({}) is no longer in the spool; the history segment ends here",
          limit.name(), limit.file());
    }
    return next;
  }

  private Future<Opened> open(ResumePoint r, SpoolPosition limit) {
    String path = r.file().path().toString();
    return vertx.fileSystem().open(path, new OpenOptions().setRead(true).setWrite(false).setCreate(false))
        .compose(handle -> vertx.executeBlocking(() -> FileId.ofOrNull(r.file().path()), true).compose(id -> {
          if (!r.file().id().equals(id)) {
            return handle.close().map(v -> Opened.LIST_AGAIN); // rotated between listing and opening
          }
          warnings.clear("open");
          log.info("reading {} ({}) from offset {}{}", r.file().path().getFileName(), r.file().id(), r.offset(),
              limit == null ? "" : " (history segment, up to " + limit.name() + " offset " + limit.offset() + ")");
          return Future.succeededFuture(new Opened(new Reading(r.file(), handle, r.offset()), false, false));
        }), err -> {
          long held = warnings.admit("open"); // e.g. gone since listing, or unreadable: list again later
          if (held >= 0) {
            log.warn("cannot open spool file {}: {}{}", path, err.toString(), warnings.suffix(held));
          }
          return Future.succeededFuture(Opened.LATER);
        });
  }
}
