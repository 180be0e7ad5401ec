package io.outflux.spool;

import io.outflux.lineprotocol.Precision;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts the bytes a reader read into what goes on: the complete valid lines, one chunk to the
 * batcher; invalid ones to the dead-letter file; a line longer than the read size skipped up to its
 * newline (its start dead-lettered). An unfinished last line waits in a file still written and is
 * dead-lettered in one that is not. Lines without a timestamp get the one of their first read
 * (journaled before they leave). Event-loop confined.
 */
final class LineCutter {

  private static final Logger log = LoggerFactory.getLogger(SpoolTailVerticle.class);
  private static final int OVERSIZED_KEEP = 4096;

  private final SpoolConfig config;
  private final Precision precision;
  private final StampJournal stamps;
  private final SpoolReader.Host host;
  private final TruncatedContent truncations;
  private final LineFilter filter;
  private final FreshStamps freshStamps = new FreshStamps();
  /** For a file still written at its end: whether it was rotated away meanwhile (true: read on), else wait. */
  private final Function<Reading, Future<Boolean>> stillWritten;

  LineCutter(SpoolConfig config, Precision precision, StampJournal stamps, SpoolReader.Host host,
      TruncatedContent truncations, Function<Reading, Future<Boolean>> stillWritten) {
    this.config = config;
    this.precision = precision;
    this.stamps = stamps;
    this.host = host;
    this.truncations = truncations;
    this.stillWritten = stillWritten;
    this.filter = new LineFilter(precision, config.readChunkLines());
  }

  /**
   * Learns the file's key (one read of its first bytes per file opened), then hands the lines of
   * {@code buf}, read at {@code r}'s offset, on; {@code history}: read by a catch-up's history segment.
   *
   * @return true when it made progress
   */
  Future<Boolean> handOn(Reading r, Buffer buf, boolean history) {
    if (r.key != null) {
      return cut(r, buf, history);
    }
    return SpoolReader.bounded(r.handle.read(Buffer.buffer(SpoolFileKey.HEAD_BYTES), 0, 0, SpoolFileKey.HEAD_BYTES),
            () -> "a read of its first bytes", r)
        .map(head -> SpoolFileKey.of(r.file.id(), head))
        .otherwise(err -> null) // the batches then carry no span: the server identifies them by content
        .compose(key -> {
          r.key = key;
          return cut(r, buf, history);
        });
  }

  private Future<Boolean> cut(Reading r, Buffer buf, boolean history) {
    int length = buf.length();
    if (r.skippingOversized) {
      return skipOversized(r, buf, length);
    }
    Instant now = Instant.now();
    freshStamps.reset(r.file.id(), precision.of(now));
    filter.filter(buf, length, r.readPos(), r.name, freshStamps, now);
    if (filter.consumed == 0) {
      if (length < config.readChunkSize()) {
        return incompleteLastLine(r, buf, length, now);
      }
      DeadLetter letter = LineFilter.oversized(buf, OVERSIZED_KEEP, r.readPos(), r.name, config.readChunkSize(), now);
      r.skippingOversized = true;
      return skipOversized(r, buf, length).compose(progress -> host.quarantine(List.of(letter)).map(progress));
    }
    SpoolPosition start = r.bare();
    r.consumed(buf, filter.consumed);
    if (filter.holeBytes > 0) {
      log.info("skipped {} bytes of a compacted region of {} at offset {}", filter.holeBytes, r.name, start.offset());
    }
    List<DeadLetter> dead = List.copyOf(filter.dead);
    if (filter.lines == 0) {
      return host.quarantine(dead).map(true);
    }
    // everything the active file held when it was read, but for an unfinished last line (not a read cut
    // short by the chunk's line limit): the batcher may send a backlog's last lines now (BacklogEnd)
    boolean atSpoolEnd = !history && r.written() && start.offset() + length >= r.seenSize
        && filter.lines < config.readChunkLines();
    SpoolChunk chunk = new SpoolChunk(start, r.position(), filter.out, filter.lines, history, r.key, filter.verbatim,
        atSpoolEnd);
    truncations.handedOn(chunk.end());
    Future<Void> journaled = freshStamps.firstFresh < 0 ? Future.succeededFuture()
        : host.journal(new StampJournal.Entry(r.file.id(), freshStamps.firstFresh, r.readPos(), freshStamps.fresh));
    return host.quarantine(dead).compose(v -> journaled).compose(v -> host.send(chunk)).map(true);
  }

  /**
   * A last line without its newline. In the active file it is being written: wait for the newline
   * (but notice a rotation meanwhile). In a file that was rotated away nobody will finish it: it is
   * dead-lettered, so the files behind it are not blocked.
   */
  private Future<Boolean> incompleteLastLine(Reading r, Buffer buf, int length, Instant now) {
    if (r.written()) {
      return stillWritten.apply(r);
    }
    DeadLetter letter = new DeadLetter(now, "validation", "incomplete last line of a rotated file (no newline at its "
        + "end)", r.name, r.readPos(), -1, buf.getBytes(0, Math.min(length, OVERSIZED_KEEP)), length > OVERSIZED_KEEP);
    r.consumed(buf, length);
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
      if (length < config.readChunkSize() && r.written()) {
        return stillWritten.apply(r); // the long line is still being written
      }
      r.consumed(buf, length);
    } else {
      r.consumed(buf, nl + 1);
      r.skippingOversized = false;
    }
    return Future.succeededFuture(true);
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
