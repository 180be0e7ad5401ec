package io.outflux.spool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * Removes synced data from the spool. Blocking (unlink, fallocate): call it on a worker.
 *
 * <ul>
 *   <li>A rotated archive that was read to its end and wholly acknowledged is deleted, after
 *       checking that the name still belongs to the same inode.</li>
 *   <li>The active file keeps its size and its offsets; the synced prefix is deallocated with
 *       {@code fallocate --punch-hole} (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE), which the
 *       kernel serialises with the writer's appends (both take the inode lock) and which never
 *       touches bytes past the hole: a line Telegraf appends meanwhile cannot be lost. The hole
 *       ends on a 4 KiB boundary and stops {@link SpoolPosition#TAIL_BYTES} before the synced
 *       offset, so the bytes that identify the checkpoint stay readable. The first
 *       {@link SpoolFileKey#HEAD_BYTES} are never punched: they name the file to the server.</li>
 * </ul>
 */
final class Compactor {

  static final long BLOCK = 4096;

  /** Where a punch for this synced offset would end (0: nothing to punch yet). */
  static long holeEnd(long syncedOffset) {
    long end = syncedOffset - SpoolPosition.TAIL_BYTES;
    return end <= 0 ? 0 : end - end % BLOCK;
  }

  /** Deletes {@code path} if it is still the file {@code id}; true if it is gone. */
  boolean deleteArchive(Path path, FileId id) {
    FileId now = FileId.ofOrNull(path);
    if (now == null) {
      return true;
    }
    if (!now.equals(id)) {
      return false;
    }
    try {
      Files.deleteIfExists(path);
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete synced archive " + path, e);
    }
  }

  /**
   * Punches out {@code [from, holeEnd(synced.offset()))} of the active file if it is still the
   * checkpoint's file with the checkpoint's bytes before the offset (a file truncated and written
   * again since must not lose its new lines).
   *
   * @return the new end of the punched prefix ({@code from} when nothing was done)
   */
  long punch(Path path, SpoolPosition synced, long from) {
    long to = holeEnd(synced.offset());
    long start = Math.max(from, SpoolFileKey.HEAD_BYTES); // the file's first line names it to the server
    if (to <= start || !synced.file().equals(FileId.ofOrNull(path)) || !tailMatches(path, synced)) {
      return from;
    }
    if (!runFallocate(path, synced.file(), start, to - start)) {
      return from; // Telegraf rotated the file between the checks and the punch: nothing was done
    }
    return to;
  }

  /** Whether the file holds the checkpoint's identifying bytes just before its offset. */
  static boolean tailMatches(Path path, SpoolPosition position) {
    byte[] expected = Base64.getDecoder().decode(position.tail());
    long at = position.offset() - expected.length;
    if (at < 0) {
      return false;
    }
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      if (ch.size() < position.offset()) {
        return false;
      }
      ByteBuffer buf = ByteBuffer.allocate(expected.length);
      while (buf.hasRemaining() && ch.read(buf, at + buf.position()) > 0) {
        // read the whole tail
      }
      return !buf.hasRemaining() && Arrays.equals(buf.array(), expected);
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The check by path above and a punch by path would leave a window in which Telegraf renames the
   * file and creates a new one under the name: the new file's first lines would be punched. So a
   * shell opens the path once, checks the identity of what it opened, and has fallocate punch that
   * very open file (through {@code /proc/self/fd/3}, which names the inode, not the path).
   *
   * @return false when the path named another file by then (nothing was punched)
   */
  static boolean runFallocate(Path path, FileId id, long offset, long length) {
    // "command exec": a failed redirection of a plain exec ends a POSIX shell (exit 2) before "|| exit 3"
    // runs, and the path is briefly missing while Telegraf rotates
    String script = "command exec 3<\"$1\" || exit 3; [ \"$(stat -L -c %d:%i /proc/self/fd/3)\" = \"$2\" ] || exit 3; "
        + "exec fallocate --punch-hole --offset \"$3\" --length \"$4\" /proc/self/fd/3";
    ProcessBuilder pb = new ProcessBuilder("sh", "-c", script, "sh", path.toString(), id.dev() + ":" + id.ino(),
        Long.toString(offset), Long.toString(length)).redirectErrorStream(true);
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      byte[] output = p.getInputStream().readAllBytes();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("fallocate --punch-hole on " + path + " did not finish in 30 s");
      }
      if (p.exitValue() == 3) {
        return false;
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException("fallocate --punch-hole on " + path + " failed (exit " + p.exitValue() + "): "
            + new String(output, StandardCharsets.UTF_8).trim());
      }
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run fallocate (util-linux) to compact " + path, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while compacting " + path, e);
    }
  }
}
