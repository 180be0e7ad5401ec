package io.outflux.spool;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Durable checkpoint file. A save is atomic (temp file, fsync, rename, fsync of the directory), so
 * after a crash the file holds either the old or the new checkpoint, never a torn one. Blocking:
 * call it from a worker ({@code executeBlocking}), never from an event loop.
 */
public final class CheckpointStore {

  private final Path file;

  public CheckpointStore(Path file) {
    this.file = file;
  }

  public Path file() {
    return file;
  }

  public Checkpoint load() {
    if (!Files.exists(file)) {
      return Checkpoint.EMPTY;
    }
    try {
      return Checkpoint.fromJson(new JsonObject(Files.readString(file)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read checkpoint " + file, e);
    } catch (DecodeException | NullPointerException | ClassCastException e) {
      throw new IllegalStateException("checkpoint file " + file + " is corrupt (" + e.getMessage()
          + "); move it away to resync the whole spool (points are idempotent, nothing is duplicated)", e);
    }
  }

  public void save(Checkpoint checkpoint) {
    try {
      AtomicFile.write(file, (checkpoint.toJson().encode() + "\n").getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write checkpoint " + file, e);
    }
  }
}
