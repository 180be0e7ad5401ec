package io.outflux.spool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Which file a spool position is in: device and inode, which survive Telegraf's rename at rotation
 * while the path then names the new file. Reading it is a blocking stat: call it on a worker.
 */
public record FileId(long dev, long ino) {

  /** A position whose file is not known (a checkpoint written before file identities existed). */
  public static final FileId UNKNOWN = new FileId(-1, -1);

  /** @throws IOException when the file does not exist (callers treat that as "rotated away") */
  public static FileId of(Path path) throws IOException {
    Object dev = Files.getAttribute(path, "unix:dev");
    Object ino = Files.getAttribute(path, "unix:ino");
    return new FileId(((Number) dev).longValue(), ((Number) ino).longValue());
  }

  /** The identity of {@code path}, or null when nothing is there. */
  public static FileId ofOrNull(Path path) {
    try {
      return of(path);
    } catch (IOException e) {
      return null;
    }
  }

  @Override
  public String toString() {
    return "dev " + dev + " inode " + ino;
  }
}
