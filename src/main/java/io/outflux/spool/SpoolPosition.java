package io.outflux.spool;

/**
 * A byte offset in one spool file: everything before it has been read (or, for a checkpoint,
 * synced). Offsets are always those of the file on disk, even when the lines sent were rewritten
 * (stamped, CRLF normalised) or skipped (dead-lettered).
 *
 * @param file the file's identity (device + inode), stable across Telegraf's rename at rotation
 * @param name the file's name when the position was read (for logs; an archive's name changes once)
 * @param offset bytes from the start of the file
 * @param tail base64 of up to {@link #TAIL_BYTES} bytes just before {@code offset}: recognises the
 *     file again after a restart (an inode number can be reused by a new file)
 */
public record SpoolPosition(FileId file, String name, long offset, String tail) implements Comparable<SpoolPosition> {

  public static final int TAIL_BYTES = 32;
  public static final SpoolPosition START = new SpoolPosition(0);

  /** A position in an unknown file (tests, and checkpoints of the first format). */
  public SpoolPosition(long offset) {
    this(FileId.UNKNOWN, "", offset, "");
  }

  /**
   * Compares offsets only: meaningful for two positions in the same file. Across a rotation a
   * position in the new file has a smaller offset than one in the old file although it comes later.
   */
  @Override
  public int compareTo(SpoolPosition o) {
    return Long.compare(offset, o.offset);
  }
}
