package io.outflux.meter;

import io.outflux.spool.AtomicFile;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.Optional;

/**
 * The daily quota's count on disk ({@code <spool.checkpoint>.quota}: {@code {"day":"2026-11-29",
 * "usedBytes":123}}), so a restart does not start the day's count again. Written like the
 * checkpoint: temp file, fsync, rename. Blocking: call it from a worker.
 */
public final class QuotaStore {

  private final Path file;

  public QuotaStore(Path file) {
    this.file = file;
  }

  public Path file() {
    return file;
  }

  /** @return the saved count; empty when there is none or it cannot be read (logged by the caller) */
  public Optional<LinkMeter.QuotaUsage> load() {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      JsonObject json = new JsonObject(Files.readString(file));
      return Optional.of(new LinkMeter.QuotaUsage(LocalDate.parse(json.getString("day")), json.getLong("usedBytes")));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the quota file " + file, e);
    } catch (DecodeException | DateTimeException | NullPointerException | ClassCastException e) {
      throw new IllegalStateException("the quota file " + file + " is corrupt (" + e.getMessage() + ")", e);
    }
  }

  public void save(LinkMeter.QuotaUsage usage) {
    byte[] bytes = (new JsonObject().put("day", usage.day().toString()).put("usedBytes", usage.usedBytes()).encode() + "\n")
        .getBytes(StandardCharsets.UTF_8);
    try {
      AtomicFile.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the quota file " + file, e);
    }
  }
}
