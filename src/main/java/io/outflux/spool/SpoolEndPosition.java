package io.outflux.spool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Base64;
import java.util.List;

/**
 * The end of the spool as a checkpoint position: just after the last complete line of the active
 * file ({@code outflux checkpoint reset --from-end}). Blocking (directory listing, reads).
 */
public final class SpoolEndPosition {

  /** The position, and what the spool holds now (archives and active file). */
  public record End(SpoolPosition position, long bytes, int files) {
  }

  private SpoolEndPosition() {
  }

  public static End of(Path spool) {
    List<SpoolFiles.SpoolFile> list = new SpoolFiles(spool).scan();
    long bytes = 0;
    for (SpoolFiles.SpoolFile f : list) {
      try {
        bytes += Files.size(f.path());
      } catch (IOException e) {
        // rotated away meanwhile
      }
    }
    SpoolFiles.SpoolFile active = list.isEmpty() ? null : list.get(list.size() - 1);
    if (active == null) {
      return new End(SpoolPosition.START, 0, 0); // nothing to skip
    }
    // without an active file, the newest archive's end: everything before it counts as read
    try (FileChannel ch = FileChannel.open(active.path(), StandardOpenOption.READ)) {
      long end = lastNewline(ch);
      int n = (int) Math.min(SpoolPosition.TAIL_BYTES, end);
      ByteBuffer tail = ByteBuffer.allocate(n);
      while (tail.hasRemaining() && ch.read(tail, end - n + tail.position()) > 0) {
        // read the tail
      }
      String encoded = Base64.getEncoder().encodeToString(tail.array());
      return new End(new SpoolPosition(active.id(), active.path().getFileName().toString(), end, encoded), bytes,
          list.size());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + active.path() + " (" + SpoolPathChecks.reason(e) + ")", e);
    }
  }

  /** The offset just after the file's last newline (0 when there is none). */
  private static long lastNewline(FileChannel ch) throws IOException {
    return Math.max(0, SpoolEnd.lastNewline(ch, ch.size(), 0));
  }
}
