package io.outflux.spool;

import io.outflux.spool.SpoolFiles.Kind;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.zip.GZIPInputStream;

/**
 * When the spool's unsynced bytes are gone from the file and no archive outflux reads holds them,
 * they may still be in a copy it does not read (a compressed copy, an unknown name): then the loss
 * can be measured exactly, bytes and lines, and the cause names the copy. Blocking: a worker.
 */
final class LostCopy {

  /** The copy holding the position's content, and how much of it comes after the position. */
  record Found(String file, boolean compressed, long bytes, long lines) {
  }

  private LostCopy() {
  }

  /**
   * Blocking. A compressed (gzip) or unknown-named copy in the spool directory holding {@code at}'s
   * tail just before its offset; null: none (or only copies outflux cannot read at all, e.g. xz).
   */
  static Found find(SpoolFiles files, SpoolPosition at) {
    byte[] tail = Base64.getDecoder().decode(at.tail());
    if (tail.length == 0 || at.offset() < tail.length) {
      return null;
    }
    for (Path p : files.list()) {
      String name = p.getFileName().toString();
      Kind kind = files.kind(name);
      boolean gz = kind == Kind.COMPRESSED && SpoolFiles.gzipped(name);
      if ((gz || kind == Kind.UNKNOWN) && Files.isRegularFile(p)) {
        Found f = measure(p, gz, at.offset(), tail);
        if (f != null) {
          return f;
        }
      }
    }
    return null;
  }

  /** The bytes and lines after {@code offset} in the file when {@code tail} is just before it; else null. */
  static Found measure(Path p, boolean gz, long offset, byte[] tail) {
    try (InputStream raw = Files.newInputStream(p);
         InputStream in = gz ? new GZIPInputStream(new BufferedInputStream(raw, 65_536), 65_536)
             : new BufferedInputStream(raw, 65_536)) {
      in.skipNBytes(offset - tail.length);
      if (!Arrays.equals(in.readNBytes(tail.length), tail)) {
        return null;
      }
      long bytes = 0;
      long lines = 0;
      byte[] buf = new byte[65_536];
      for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
        bytes += n;
        for (int i = 0; i < n; i++) {
          if (buf[i] == '\n') {
            lines++;
          }
        }
      }
      return new Found(p.getFileName().toString(), gz, bytes, lines);
    } catch (IOException e) {
      return null; // shorter than the offset (EOF), not gzip after all, unreadable: not the copy
    }
  }

  /** The loss's cause when the bytes are in such a copy. */
  static String cause(Found f, String spoolName, long offset) {
    String from = "tail -c +" + (offset + 1);
    return "they are in " + f.file() + (f.compressed()
        ? ", a compressed copy (logrotate's compress without delaycompress) that outflux cannot read: send them with "
        + "'zcat " + f.file() + " | " + from + " >> " + spoolName + "', and use delaycompress"
        : ", a copy whose name outflux does not know: send them with '" + from + " " + f.file() + " >> " + spoolName
        + "', and name copies " + spoolName + ".N (logrotate) or as Telegraf does");
  }
}
