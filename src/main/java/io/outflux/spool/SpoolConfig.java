package io.outflux.spool;

import io.outflux.config.ConfigReader;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The spool file the client tails, where it keeps its checkpoint and its dead letters, and how it
 * compacts. docs/spool.md explains the files; docs/configuration.md every key.
 *
 * @param path the file Telegraf's file output appends line protocol to
 * @param checkpoint the durable checkpoint file (default: next to the spool, {@code <path>.checkpoint})
 * @param deadLetter the dead-letter file (default: next to the spool, {@code <path>.deadletter})
 * @param pollInterval how often to look for new data when the tail has reached the end
 * @param readChunkSize most bytes read and handed on at once; also the longest line accepted
 * @param readChunkLines most lines handed on at once
 * @param compactEvery punch the synced prefix out of the active file once it grew by this many
 *     bytes; 0 never punches (synced archives are still deleted)
 */
public record SpoolConfig(Path path, Path checkpoint, Path deadLetter, Duration pollInterval, int readChunkSize,
                          int readChunkLines, long compactEvery) {

  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(100);
  public static final int DEFAULT_READ_CHUNK_SIZE = 512 * 1024;
  public static final int DEFAULT_READ_CHUNK_LINES = 5_000;
  /** A read needs a direct buffer of its size at once: the client has 64 MiB of direct memory (conf/outflux.defaults). */
  public static final long MAX_READ_CHUNK_SIZE = 16L << 20;
  public static final long DEFAULT_COMPACT_EVERY = 1L << 20;

  public static SpoolConfig from(ConfigReader r) {
    Path path = Path.of(r.requiredString("path"));
    String cp = r.string("checkpoint", null);
    String dl = r.string("deadLetter", null);
    return new SpoolConfig(path,
        cp == null ? Path.of(path + ".checkpoint") : Path.of(cp),
        dl == null ? Path.of(path + ".deadletter") : Path.of(dl),
        r.duration("pollInterval", DEFAULT_POLL_INTERVAL, Duration.ofMillis(1), Duration.ofMinutes(1)),
        (int) r.size("readChunkSize", DEFAULT_READ_CHUNK_SIZE, 4096, MAX_READ_CHUNK_SIZE),
        r.integer("readChunkLines", DEFAULT_READ_CHUNK_LINES, 1, 1_000_000),
        r.size("compactEvery", DEFAULT_COMPACT_EVERY, 0, 1L << 40));
  }

  /** A config with defaults for everything but the spool path (tests, tools). */
  public static SpoolConfig defaults(Path path) {
    return new SpoolConfig(path, Path.of(path + ".checkpoint"), Path.of(path + ".deadletter"), DEFAULT_POLL_INTERVAL,
        DEFAULT_READ_CHUNK_SIZE, DEFAULT_READ_CHUNK_LINES, DEFAULT_COMPACT_EVERY);
  }
}
