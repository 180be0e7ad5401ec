package io.outflux.spool;

import io.outflux.spool.SpoolFiles.SpoolFile;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What became of the bytes of a file being read that became shorter than the read offset, or holds
 * other bytes before it. A copytruncate (the file copied to an archive name, then truncated in
 * place): the archive that holds the same bytes before the read offset is read on from there. No
 * copy: the bytes between the read offset and the size last seen are gone, and recorded as a loss
 * (exactly, when a copy outflux does not read holds them). Blocking work runs on the worker queue.
 */
final class Truncation {

  private static final Logger log = LoggerFactory.getLogger(SpoolTailVerticle.class);

  private final Vertx vertx;
  private final SpoolFiles files;
  private final SpoolReader.Host host;

  Truncation(Vertx vertx, SpoolFiles files, SpoolReader.Host host) {
    this.vertx = vertx;
    this.files = files;
    this.host = host;
  }

  /**
   * {@code r} is now {@code fileSize} bytes long, or holds other bytes before its read offset.
   *
   * @param searchCopy whether to look for a copy (not for a history reader, which reads up to its boundary only)
   * @param done files not to take for the copy (read already)
   * @return the copy that holds the content, read on at the read offset; null: none (the loss is recorded)
   */
  Future<SpoolFile> copyOf(Reading r, long fileSize, boolean searchCopy, Set<FileId> done) {
    if (fileSize >= r.readPos()) {
      log.info("spool file {} holds other bytes before the read offset {} than were read there: it was truncated and "
          + "written again since the last read", r.name, r.readPos());
    }
    SpoolPosition at = r.position();
    Future<SpoolFile> search = !searchCopy || r.tail().length == 0 ? Future.succeededFuture(null)
        : vertx.executeBlocking(() -> ResumePlanner.findCopy(files.scan(), at, done), true);
    return search.compose(copy -> {
      if (copy != null) {
        log.info("spool file {} was truncated to {} bytes below the read offset {}, and {} holds its content (a "
            + "copytruncate): reading on there from offset {}, then {} from its start", r.name, fileSize, r.readPos(),
            copy.path().getFileName(), r.readPos(), r.name);
        return Future.succeededFuture(copy);
      }
      Future<LostCopy.Found> held = r.tail().length == 0 ? Future.succeededFuture(null)
          : vertx.executeBlocking(() -> LostCopy.find(files, at), true);
      return held.map(h -> {
        lost(r, fileSize, h);
        return (SpoolFile) null;
      });
    });
  }

  /**
   * Records the loss of a truncation without a readable copy: the bytes between the read offset and
   * the size last seen (lines unknown, they are gone), or, when a copy outflux does not read holds
   * them ({@code held}), exactly what the copy has after the offset.
   */
  private void lost(Reading r, long fileSize, LostCopy.Found held) {
    long lost = held != null ? held.bytes() : Math.max(0, r.seenSize - r.readPos());
    long lines = held != null ? held.lines() : (lost == 0 ? 0 : -1);
    String cause = "truncated below the read offset " + r.readPos() + (held != null
        ? "; " + LostCopy.cause(held, files.spool().getFileName().toString(), r.readPos())
        : " with no copy found (an external truncate, or a copytruncate whose copy has a name outflux does not know: "
        + "name it <stem>.<YYYY-MM-DD>-<unix seconds><ext> as Telegraf does, or <name>.N / <name>-YYYYMMDD as "
        + "logrotate does)");
    log.warn("spool data lost: {} bytes ({}) of {}, which shrank to {} bytes below the read offset {}, not read yet: "
        + "{}; reading it from the start (outflux loss list shows it; outflux loss ack clears it)", lost,
        lines < 0 ? "lines unknown" : lines + " lines", r.name, fileSize, r.readPos(), cause);
    host.lost(new LossLedger.Loss(Instant.now(), r.name, lost, lines, cause, false));
  }
}
