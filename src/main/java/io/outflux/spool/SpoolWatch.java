package io.outflux.spool;

import io.outflux.client.ClientMeters;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the spool's surroundings for the meters, the log and the status: the spool's size, the
 * free space of its file system (a full disk is named once as ENOSPC, then at most once a minute),
 * files in the directory the client cannot account for, and the losses ledger. Blocking (stat,
 * directory listing, the ledger): call it on a worker. Thread-safe.
 */
final class SpoolWatch {

  private static final Logger log = LoggerFactory.getLogger(SpoolTailVerticle.class);

  private final SpoolConfig config;
  private final SpoolFiles files;
  private final LossLedger losses;
  private final UnaccountedFiles unaccounted;
  private final RateLimitedLog warnings = RateLimitedLog.systemClock();
  /** Why the spool's file system is full, while it is; null otherwise. */
  private volatile String diskProblem;

  private final ClientMeters meters;

  /** @param meters the client deployment's meters */
  SpoolWatch(SpoolConfig config, SpoolFiles files, ClientMeters meters) {
    this.config = config;
    this.files = files;
    this.meters = meters;
    this.losses = new LossLedger(LossLedger.pathFor(config.checkpoint()));
    this.unaccounted = new UnaccountedFiles(files, meters);
  }

  /** Blocking. Sums the spool files' sizes, looks at the free space and for files it cannot account for. */
  void measure() {
    long size = files.scan().stream().mapToLong(f -> {
      try {
        return Files.size(f.path());
      } catch (IOException e) {
        return 0L; // rotated away meanwhile
      }
    }).sum();
    meters.spoolBytes(size);
    checkDisk();
    unaccounted.report(unaccounted.scan());
  }

  /**
   * Blocking. A file system with less than {@link DiskSpace#FULL_BELOW} free is full for the writer:
   * named once as ENOSPC (then at most once a minute), until synced data freed space again.
   */
  private void checkDisk() {
    DiskSpace.Free free = DiskSpace.of(config.path());
    if (free == null) {
      return;
    }
    meters.spoolFree(free.usable(), free.full());
    if (free.full()) {
      diskProblem = "the spool's file system is full (No space left on device): " + free.describe()
          + "; the writer cannot append until synced data is freed (the client frees it after each acknowledgement)";
      long held = warnings.admit("disk");
      if (held >= 0) {
        log.warn("{}{}", diskProblem, warnings.suffix(held));
      }
    } else if (diskProblem != null) {
      diskProblem = null;
      warnings.clear("disk");
      log.info("the spool's file system has space again: {}", free.describe());
    }
  }

  /** Blocking: records a loss (metrics, the ledger; the finder logged it). */
  void record(LossLedger.Loss loss) {
    if (loss.bytes() > 0) {
      meters.lostBytes.increment(loss.bytes());
    }
    if (loss.lines() > 0) {
      meters.lostLines.increment(loss.lines());
    }
    try {
      losses.record(loss);
    } catch (RuntimeException e) {
      log.error("{}; the loss was: {}", e.getMessage(), loss.describe());
    }
  }

  /** Blocking. The spool's part of the status: readable, losses, unaccounted files, a full disk. */
  JsonObject status(long readOffset) {
    JsonObject json = SpoolHealth.json(config, SpoolHealth.problem(config.path()), readOffset);
    JsonObject lossStatus;
    try {
      lossStatus = losses.status();
    } catch (RuntimeException e) {
      lossStatus = new JsonObject().put("error", e.getMessage());
    }
    json.put("losses", lossStatus);
    JsonArray strays = unaccounted.status();
    if (!strays.isEmpty()) {
      json.put("unaccountedFiles", strays);
    }
    String disk = diskProblem;
    if (disk != null) {
      json.put("diskProblem", disk);
    }
    return json;
  }
}
