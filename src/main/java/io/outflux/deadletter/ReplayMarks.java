package io.outflux.deadletter;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * {@code <deadLetter>.replayed}: the keys (SHA-256 of the record text) of the records already
 * replayed, one per line, appended and fsynced only after the replayed lines are durable in the
 * spool. A crash in between replays those records once more on the next run, which is harmless
 * because points are idempotent; the other order could lose them.
 */
public final class ReplayMarks {

  private final Path path;
  private final Set<String> keys;

  private ReplayMarks(Path path, Set<String> keys) {
    this.path = path;
    this.keys = keys;
  }

  public static Path pathFor(Path deadLetter) {
    return Path.of(deadLetter + ".replayed");
  }

  public static ReplayMarks load(Path deadLetter) throws IOException {
    Path path = pathFor(deadLetter);
    Set<String> keys = new HashSet<>();
    try {
      for (String line : Files.readAllLines(path, StandardCharsets.UTF_8)) {
        if (!line.isBlank()) {
          keys.add(line.trim());
        }
      }
    } catch (NoSuchFileException e) {
      // nothing replayed yet
    }
    return new ReplayMarks(path, keys);
  }

  public Path path() {
    return path;
  }

  public boolean replayed(DeadLetterRecord record) {
    return keys.contains(record.key());
  }

  public void mark(Collection<DeadLetterRecord> records) throws IOException {
    if (records.isEmpty()) {
      return;
    }
    StringBuilder sb = new StringBuilder();
    for (DeadLetterRecord r : records) {
      sb.append(r.key()).append('\n');
    }
    ByteBuffer bytes = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND)) {
      while (bytes.hasRemaining()) {
        ch.write(bytes);
      }
      ch.force(false);
    }
    records.forEach(r -> keys.add(r.key()));
  }
}
