package io.outflux.spool;

import io.vertx.core.buffer.Buffer;
import java.util.zip.CRC32C;

/**
 * A spool file's identity as the server sees it in a batch's span: device, inode and a checksum of
 * the file's first line (at most {@link #HEAD_BYTES} bytes). The inode alone is not enough: once a
 * synced archive is deleted, the next file Telegraf creates often gets its inode number, and a file
 * truncated and written again keeps it; both begin with other lines (every Telegraf line carries its
 * timestamp). The compactor never punches the first {@link #HEAD_BYTES}, so the key stays readable
 * for the whole life of the file.
 */
public final class SpoolFileKey {

  public static final int HEAD_BYTES = 4096;

  private SpoolFileKey() {
  }

  /**
   * The key of the file {@code id} whose first bytes are {@code head}; null when they do not hold a
   * first line yet (shorter than {@link #HEAD_BYTES} without a newline).
   */
  public static String of(FileId id, Buffer head) {
    int length = Math.min(head.length(), HEAD_BYTES);
    int end = -1;
    for (int i = 0; i < length; i++) {
      if (head.getByte(i) == '\n') {
        end = i + 1;
        break;
      }
    }
    if (end < 0) {
      if (length < HEAD_BYTES) {
        return null;
      }
      end = HEAD_BYTES;
    }
    CRC32C crc = new CRC32C();
    crc.update(head.getBytes(0, end));
    return id.dev() + "." + id.ino() + "." + Long.toHexString(crc.getValue());
  }
}
