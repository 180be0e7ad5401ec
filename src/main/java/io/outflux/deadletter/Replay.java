package io.outflux.deadletter;

import io.outflux.lineprotocol.LineInfo;
import io.outflux.lineprotocol.LineKind;
import io.outflux.lineprotocol.LineScanner;
import io.outflux.lineprotocol.Precision;
import io.outflux.spool.SpoolAppender;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Replays selected dead-letter records by appending their lines to the spool, so they go through
 * the normal pipeline (validation, batching, at-least-once delivery, checkpoint after the ack).
 * Lines are checked with the tail's own scanner first: a record that would only be dead-lettered
 * again is reported and left alone. Records are marked replayed once their lines are durable in the
 * spool; a block is at most {@value #BLOCK_BYTES} bytes, so memory stays bounded.
 */
public final class Replay {

  static final int BLOCK_BYTES = 256 * 1024;

  /** What a replay did. */
  public record Report(long replayedRecords, long replayedLines, long alreadyReplayed, List<String> skipped) {
  }

  private final Path deadLetter;
  private final Path spool;
  private final LineScanner scanner;
  private final boolean fixCrlf;
  private final boolean dryRun;

  public Replay(Path deadLetter, Path spool, Precision precision, boolean fixCrlf, boolean dryRun) {
    this.deadLetter = deadLetter;
    this.spool = spool;
    this.scanner = new LineScanner(precision);
    this.fixCrlf = fixCrlf;
    this.dryRun = dryRun;
  }

  public Report run(Selection selection) throws IOException {
    ReplayMarks marks = ReplayMarks.load(deadLetter);
    Block block = new Block(marks);
    long[] already = {0};
    List<String> skipped = new ArrayList<>();
    try {
      DeadLetterReader.forEach(deadLetter, r -> {
        if (!selection.matches(r)) {
          return;
        }
        if (marks.replayed(r)) {
          already[0]++;
          return;
        }
        var why = r.notReplayable().or(() -> invalid(r));
        if (why.isPresent()) {
          skipped.add("#" + r.number() + ": " + why.get());
          return;
        }
        block.add(r, LineFix.apply(r.line(), fixCrlf));
      });
      block.flush();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return new Report(block.records, block.lines, already[0], List.copyOf(skipped));
  }

  private java.util.Optional<String> invalid(DeadLetterRecord r) {
    List<byte[]> lines = LineFix.apply(r.line(), fixCrlf);
    LineInfo info = new LineInfo();
    long points = 0;
    for (byte[] line : lines) {
      LineKind kind = scanner.scan(line, 0, line.length, info);
      if (kind == LineKind.ERROR) {
        return java.util.Optional.of("still not valid line protocol" + (fixCrlf ? " after --fix-crlf" : "")
            + ": " + info.reason());
      }
      if (kind == LineKind.POINT) {
        points++;
      }
    }
    return points == 0 ? java.util.Optional.of("no point left to replay") : java.util.Optional.empty();
  }

  /** Lines waiting to be appended, and the records they came from. */
  private final class Block {
    private final ReplayMarks marks;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final List<DeadLetterRecord> pending = new ArrayList<>();
    long records;
    long lines;

    Block(ReplayMarks marks) {
      this.marks = marks;
    }

    void add(DeadLetterRecord r, List<byte[]> fixed) {
      for (byte[] line : fixed) {
        if (line.length > 0) {
          bytes.write(line, 0, line.length);
          bytes.write('\n');
          lines++;
        }
      }
      pending.add(r);
      records++;
      if (bytes.size() >= BLOCK_BYTES) {
        flush();
      }
    }

    void flush() {
      if (pending.isEmpty() || dryRun) {
        pending.clear();
        bytes.reset();
        return;
      }
      try {
        SpoolAppender.append(spool, bytes.toByteArray());
        marks.mark(pending);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      pending.clear();
      bytes.reset();
    }
  }
}
