package io.outflux.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Appends whole lines to the spool the way Telegraf's file output does: O_APPEND, one write call
 * per block of complete lines, so they land after whatever Telegraf wrote and never inside one of
 * its lines. Then fsync, then a check that the spool path still names the file written to: if
 * Telegraf rotated it meanwhile, the tail may have finished the renamed file before the append, so
 * the block is written again to the new file (a point written twice is still one point).
 */
public final class SpoolAppender {

  static final int MAX_ATTEMPTS = 5;

  private SpoolAppender() {
  }

  /** Appends {@code lines} (complete lines, each ending in '\n') and returns once they are durable. */
  public static void append(Path spool, byte[] lines) throws IOException {
    for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      // no fstat in Java: the path naming the same inode before the open and after the fsync means
      // it named the file written to (an inode reused within one append is not a real risk)
      Object before = inode(spool);
      try (FileChannel ch = FileChannel.open(spool, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.APPEND)) {
        ByteBuffer bytes = ByteBuffer.wrap(lines);
        while (bytes.hasRemaining()) {
          ch.write(bytes);
        }
        ch.force(false);
      }
      if (before != null && before.equals(inode(spool))) {
        return;
      }
    }
    throw new IOException("the spool " + spool + " was rotated during each of " + MAX_ATTEMPTS + " attempts to append");
  }

  private static Object inode(Path path) throws IOException {
    try {
      return Files.readAttributes(path, "unix:ino", LinkOption.NOFOLLOW_LINKS).get("ino");
    } catch (NoSuchFileException e) {
      return null;
    } catch (UnsupportedOperationException e) {
      return Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
    }
  }
}
