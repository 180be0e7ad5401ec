package io.outflux.spool;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Remembers the timestamps given to lines that came without one, until those lines are synced.
 * A line is stamped when first read; if the client crashes before the batch is acknowledged, the
 * line is read again after the restart and must get the same stamp, or InfluxDB would store it
 * twice. Each read that stamps lines adds one entry (file, offset range, stamp), fsynced before
 * the lines are handed on; entries go once the checkpoint passes them.
 *
 * <p>The entry list is confined to the tail's event loop; the file methods ({@link #load},
 * {@link #append}, {@link #rewrite}) are blocking and run on its ordered worker queue. Telegraf
 * always writes timestamps, so with Telegraf this file stays empty and costs nothing.
 */
final class StampJournal {

  /** Lines of {@code file} starting in {@code [start, end)} were stamped {@code stamp}. */
  record Entry(FileId file, long start, long end, long stamp) {
    JsonObject toJson() {
      return new JsonObject().put("dev", file.dev()).put("ino", file.ino()).put("start", start).put("end", end)
          .put("stamp", stamp);
    }

    static Entry fromJson(JsonObject j) {
      return new Entry(new FileId(j.getLong("dev"), j.getLong("ino")), j.getLong("start"), j.getLong("end"),
          j.getLong("stamp"));
    }
  }

  private final Path path;
  private final List<Entry> entries = new ArrayList<>();

  StampJournal(Path path) {
    this.path = path;
  }

  /** Blocking. Reads the entries left by the last run; a torn last line (crash mid-append) is ignored. */
  List<Entry> load() {
    List<Entry> loaded = new ArrayList<>();
    if (!Files.exists(path)) {
      return loaded;
    }
    try {
      for (String line : Files.readAllLines(path, StandardCharsets.UTF_8)) {
        try {
          loaded.add(Entry.fromJson(new JsonObject(line)));
        } catch (DecodeException | NullPointerException | ClassCastException torn) {
          // the append that a crash interrupted: its lines were never handed on
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path, e);
    }
    return loaded;
  }

  void set(Collection<Entry> loaded) {
    entries.clear();
    entries.addAll(loaded);
  }

  boolean isEmpty() {
    return entries.isEmpty();
  }

  /** The stamp a line at {@code offset} of {@code file} got before, or {@code Long.MIN_VALUE}. */
  long stampOf(FileId file, long offset) {
    for (Entry e : entries) {
      if (e.file().equals(file) && offset >= e.start() && offset < e.end()) {
        return e.stamp();
      }
    }
    return Long.MIN_VALUE;
  }

  void add(Entry e) {
    entries.add(e);
  }

  /** Drops what the checkpoint passed and the files that are gone; true if anything was dropped. */
  boolean prune(SpoolPosition synced, Collection<FileId> gone) {
    return entries.removeIf(e -> gone.contains(e.file())
        || (e.file().equals(synced.file()) && e.end() <= synced.offset()));
  }

  List<Entry> snapshot() {
    return List.copyOf(entries);
  }

  /** Blocking: appends one entry and fsyncs. */
  void append(Entry e) {
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND)) {
      ByteBuffer buf = ByteBuffer.wrap((e.toJson().encode() + "\n").getBytes(StandardCharsets.UTF_8));
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(false);
    } catch (IOException ex) {
      throw new UncheckedIOException("cannot write " + path, ex);
    }
  }

  /** Blocking: replaces the file with {@code kept} (temp file, fsync, rename); deletes it when empty. */
  void rewrite(List<Entry> kept) {
    try {
      if (kept.isEmpty()) {
        Files.deleteIfExists(path);
        return;
      }
      StringBuilder sb = new StringBuilder();
      kept.forEach(e -> sb.append(e.toJson().encode()).append('\n'));
      AtomicFile.write(path, sb.toString().getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot rewrite " + path, e);
    }
  }
}
