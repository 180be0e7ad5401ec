package io.outflux.spool;

import io.outflux.config.ConfigReader;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The spool file the client tails and where it keeps its checkpoint.
 *
 * @param path the file Telegraf's file output appends line protocol to
 * @param checkpoint the durable checkpoint file (default: next to the spool, {@code <path>.checkpoint})
 * @param pollInterval how often to look for new data when the tail has reached the end
 * @param readChunkSize most bytes read and handed on at once
 * @param readChunkLines most lines handed on at once
 */
public record SpoolConfig(Path path, Path checkpoint, Duration pollInterval, int readChunkSize, int readChunkLines) {

  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(100);
  public static final int DEFAULT_READ_CHUNK_SIZE = 512 * 1024;
  public static final int DEFAULT_READ_CHUNK_LINES = 5_000;

  public static SpoolConfig from(ConfigReader r) {
    Path path = Path.of(r.requiredString("path"));
    String cp = r.string("checkpoint", null);
    Path checkpoint = cp == null ? Path.of(path + ".checkpoint") : Path.of(cp);
    return new SpoolConfig(path, checkpoint,
        r.duration("pollInterval", DEFAULT_POLL_INTERVAL, Duration.ofMillis(1), Duration.ofMinutes(1)),
        (int) r.size("readChunkSize", DEFAULT_READ_CHUNK_SIZE, 4096, 64L << 20),
        r.integer("readChunkLines", DEFAULT_READ_CHUNK_LINES, 1, 1_000_000));
  }
}
