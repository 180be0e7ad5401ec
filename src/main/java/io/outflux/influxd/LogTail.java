package io.outflux.influxd;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the end of influxd's log file for error messages and readiness checks. */
final class LogTail {

  private static final int MAX_BYTES = 64 * 1024;

  private LogTail() {}

  /** The last {@code lines} lines (at most 64 KiB), or a note saying why there are none. */
  static String lastLines(Path log, int lines) {
    String text = readFrom(log, -1);
    String[] all = text.split("\n");
    int from = Math.max(0, all.length - lines);
    return String.join("\n", java.util.Arrays.copyOfRange(all, from, all.length));
  }

  /** Log text from byte {@code offset} on (or the last 64 KiB when offset < 0). */
  static String readFrom(Path log, long offset) {
    if (!Files.exists(log)) {
      return "(no log file " + log + ")";
    }
    try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
      long len = f.length();
      long start = offset >= 0 ? Math.min(offset, len) : Math.max(0, len - MAX_BYTES);
      byte[] buf = new byte[(int) Math.min(len - start, Integer.MAX_VALUE - 8)];
      f.seek(start);
      f.readFully(buf);
      return new String(buf, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(cannot read log " + log + ": " + e + ")";
    }
  }

  static long size(Path log) {
    try {
      return Files.exists(log) ? Files.size(log) : 0;
    } catch (IOException e) {
      return 0;
    }
  }
}
