package io.outflux.spool;

import io.outflux.spool.SpoolFiles.SpoolFile;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import java.util.Base64;

/** The file a {@link SpoolReader} is reading, open, and how far. Event-loop confined. */
final class Reading {
  final SpoolFile file;
  final AsyncFile handle;
  final String name;
  private volatile long readPos;
  /** The active path names another inode now: read to the end, then finished. */
  private boolean draining;
  /** Inside a line longer than the read size: skipped up to its newline. */
  boolean skippingOversized;
  /** The end of the synced prefix punched out of the file (the active file). */
  long punched;
  /** The file's size at the last look. */
  long seenSize;
  /** Up to {@link SpoolPosition#TAIL_BYTES} bytes just before {@link #readPos}: finds a copytruncate's copy. */
  private byte[] tail = new byte[0];
  /** The file's identity for the server ({@link SpoolFileKey}); null until its first line is known. */
  String key;

  Reading(SpoolFile file, AsyncFile handle, long readPos) {
    this.file = file;
    this.handle = handle;
    this.name = file.path().getFileName().toString();
    this.readPos = readPos;
  }

  long readPos() {
    return readPos;
  }

  byte[] tail() {
    return tail;
  }

  /** Whether Telegraf may still append to it (the active file, not rotated away yet). */
  boolean written() {
    return file.active() && !draining;
  }

  void rotatedAway() {
    draining = true;
  }

  /** The first {@code length} bytes of {@code buf}, read at the read offset, are consumed. */
  void consumed(Buffer buf, int length) {
    readPos += length;
    tail = buf.getBytes(Math.max(0, length - SpoolPosition.TAIL_BYTES), length);
  }

  /** Truncated to {@code size} without a copy: read again from the start, as another file for the server. */
  void restart(long size) {
    readPos = 0;
    punched = 0;
    skippingOversized = false;
    seenSize = size;
    tail = new byte[0];
    key = null;
  }

  /** Where the reader is, with the bytes before it (the checkpoint's check). */
  SpoolPosition position() {
    return new SpoolPosition(file.id(), name, readPos, Base64.getEncoder().encodeToString(tail));
  }

  /** Where the reader is, without those bytes. */
  SpoolPosition bare() {
    return new SpoolPosition(file.id(), name, readPos, "");
  }
}
