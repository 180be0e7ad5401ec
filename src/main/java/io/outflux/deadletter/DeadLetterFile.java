package io.outflux.deadletter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import io.outflux.spool.DeadLetter;
import java.util.List;

/**
 * The dead-letter file next to the spool: one JSON record per quarantined line, appended. It is
 * forced to disk before any checkpoint that moves past the lines it records, so a line is always
 * either still in the spool or in this file. Owned by {@link DeadLetterVerticle}. Blocking: use it
 * from a worker. After {@link #close} it can still be appended to (it reopens) and forced.
 */
final class DeadLetterFile implements AutoCloseable {

  private final Path path;
  private FileChannel channel;
  private boolean dirty;
  private long count;

  private final io.outflux.client.ClientMeters meters;

  DeadLetterFile(Path path, io.outflux.client.ClientMeters meters) {
    this.meters = meters;
    this.path = path;
  }

  Path path() {
    return path;
  }

  /** Records appended by this process. */
  long count() {
    return count;
  }

  void append(List<DeadLetter> letters) {
    if (letters.isEmpty()) {
      return;
    }
    StringBuilder sb = new StringBuilder();
    for (DeadLetter d : letters) {
      sb.append(d.toJson().encode()).append('\n');
    }
    ByteBuffer bytes = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
    long before = -1;
    try {
      if (channel != null && !Files.exists(path)) {
        // removed under us (or its directory): writing on would fill an inode nobody can read
        closeQuietly();
      }
      if (channel == null) {
        channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
      }
      before = channel.size();
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
      dirty = true;
      count += letters.size();
      meters.linesDeadLettered.increment(letters.size());
      meters.deadLettered(letters.size());
    } catch (IOException e) {
      cutBack(before);
      throw new UncheckedIOException("cannot append to the dead-letter file " + path, e);
    }
  }

  /** A write that failed part way (file system full) leaves no half record for the next append to follow. */
  private void cutBack(long size) {
    if (channel == null || size < 0) {
      return;
    }
    try {
      channel.truncate(size);
    } catch (IOException e) {
      closeQuietly(); // reopened on the next append
    }
  }

  private void closeQuietly() {
    try {
      channel.close();
    } catch (IOException ignored) {
      // the channel is dropped either way
    }
    channel = null;
    dirty = false;
  }

  /** fsync, if anything was appended since the last call. */
  void force() {
    if (!dirty) {
      return;
    }
    try {
      channel.force(false);
      dirty = false;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot fsync the dead-letter file " + path, e);
    }
  }

  @Override
  public void close() {
    if (channel != null) {
      try {
        force();
        channel.close();
        channel = null;
      } catch (IOException | UncheckedIOException ignored) {
        // closing at shutdown: a failure here has already been logged by force()
      }
    }
  }
}
