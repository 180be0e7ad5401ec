package io.outflux.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Where the spool's complete lines end right now: the active file's identity and the offset after
 * its last '\n' (a half-written last line is not part of it: the tail waits for its newline). A flush
 * aims there, so that it covers lines the tail has not handed over yet; the batcher's backlog is
 * measured against it. Only the tail, which owns the spool files, calls this. Blocking.
 */
final class SpoolEnd {

  /** The periodic look for the backlog reads at most this far back; a longer last line counts by the size. */
  static final long ESTIMATE_LOOK_BACK = 64 * 1024;
  /** A flush's target must be exact: it looks back as far as it must. */
  static final long EXACT = Long.MAX_VALUE;

  private SpoolEnd() {
  }

  /**
   * @param active the active file
   * @param read where the live reader is (null between files): before it, every line is complete,
   *     so the look for the last newline stops there (caught up, it reads only the unfinished line)
   * @param lookBack how far back from the end to look for a newline at most
   */
  static SpoolPosition of(Path active, SpoolPosition read, long lookBack) throws IOException {
    try (FileChannel ch = FileChannel.open(active, StandardOpenOption.READ)) {
      FileId id = FileId.of(active);
      long size = ch.size();
      long floor = read != null && read.file().equals(id) && read.offset() <= size ? read.offset() : 0;
      long from = Math.max(floor, size - Math.min(lookBack, size));
      long end = lastNewline(ch, size, from);
      if (end < 0) {
        end = from == floor ? floor : size; // no newline in the look-back: a very long last line, counted by the size
      }
      return new SpoolPosition(id, active.getFileName().toString(), end, "");
    } catch (NoSuchFileException e) {
      return SpoolPosition.START;
    }
  }

  /** The offset just after the last newline in [{@code floor}, {@code size}), or -1 when there is none. */
  static long lastNewline(FileChannel ch, long size, long floor) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate((int) Math.min(64 * 1024, Math.max(1, size - floor)));
    for (long pos = size; pos > floor; ) {
      long from = Math.max(floor, pos - buf.capacity());
      buf.clear().limit((int) (pos - from));
      while (buf.hasRemaining() && ch.read(buf, from + buf.position()) > 0) {
        // fill
      }
      for (int i = buf.position() - 1; i >= 0; i--) {
        if (buf.get(i) == '\n') {
          return from + i + 1;
        }
      }
      pos = from;
    }
    return -1;
  }
}
