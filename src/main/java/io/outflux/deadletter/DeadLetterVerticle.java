package io.outflux.deadletter;

import io.outflux.batch.RejectedLines;
import io.outflux.client.ClientBus;
import io.outflux.client.ClientMeters;
import io.outflux.protocol.LogSafe;
import io.outflux.spool.DeadLetter;
import io.outflux.spool.DeadLetters;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one owner of the dead-letter file: anyone sends to {@link ClientBus#DEAD_LETTER} — the tail
 * the lines it quarantines while reading ({@link DeadLetters}, a request answered once appended),
 * the batcher the lines InfluxDB refused for good ({@link RejectedLines}, published), the tail again
 * before each checkpoint save ({@link DeadLetters#SYNC}, answered once fsynced). One consumer takes
 * them all, and appends and fsyncs run in order on this verticle's ordered worker queue: a sync
 * answered means everything sent before it is on disk. It answers its part of the status on
 * {@link ClientBus#STATUS_DEAD_LETTER}.
 *
 * <p>The stages that write to it are deployed as its children ({@code writers}), so Vert.x stops
 * them before it: the tail's last checkpoint saves at shutdown still find the file's owner.
 */
public final class DeadLetterVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(DeadLetterVerticle.class);

  private final Path path;
  private final Supplier<Future<?>> writers;
  private final DeadLetterFile file;
  private final ClientMeters meters;
  /** Records appended by this process; the event loop's count (the file's follows on the worker). */
  private long sinceStart;
  /** Records in the file when this process started; -1 until counted or when unreadable. */
  private volatile long atStart = -1;

  /**
   * @param writers deploys the stages that send to it (run in its start, so they are its children)
   * @param meters the client deployment's meters ({@link ClientMeters#of})
   */
  public DeadLetterVerticle(Path path, ClientMeters meters, Supplier<Future<?>> writers) {
    this.path = path;
    this.writers = writers;
    this.meters = meters;
    this.file = new DeadLetterFile(path, meters);
  }

  public DeadLetterVerticle(Path path, ClientMeters meters) {
    this(path, meters, Future::succeededFuture);
  }

  @Override
  public Future<?> start() {
    vertx.eventBus().<Object>localConsumer(ClientBus.DEAD_LETTER, this::onMessage);
    vertx.eventBus().localConsumer(ClientBus.STATUS_DEAD_LETTER, msg -> msg.reply(status()));
    // records left by earlier runs, counted once (off the event loop); this run's are added as they come
    vertx.executeBlocking(() -> countRecords(path), true).onSuccess(n -> {
      atStart = n;
      meters.deadLetterRecords(n < 0 ? 0 : n + sinceStart);
    });
    return writers.get();
  }

  @Override
  public Future<?> stop() {
    return vertx.executeBlocking(() -> {
      file.close();
      return null;
    }, true);
  }

  /** Lines quarantined by this process (validation, oversized and InfluxDB rejects). */
  public long deadLettered() {
    return sinceStart;
  }

  private void onMessage(Message<Object> msg) {
    if (msg.body() instanceof DeadLetters d) {
      append(d.letters(), d.sync(), false).onComplete(ar -> {
        if (ar.succeeded()) {
          msg.reply(null);
        } else {
          msg.fail(500, ar.cause().getMessage());
        }
      });
    } else if (msg.body() instanceof RejectedLines rejected) {
      Instant now = Instant.now();
      List<DeadLetter> letters = new ArrayList<>();
      rejected.lines().forEach(rej -> letters.add(new DeadLetter(now, "influxdb", rej.reason(), "", -1,
          rejected.seq(), rej.line().getBytes(StandardCharsets.UTF_8), false)));
      if (rejected.refused() != null) {
        refusedBatch(rejected);
      }
      // told by the batcher once per batch (or by refusedBatch), not line by line; the answer names this file
      append(letters, false, true).onComplete(ar -> {
        if (ar.succeeded()) {
          msg.reply(path.toString());
        } else {
          msg.fail(500, ar.cause().getMessage());
        }
      });
    } else {
      log.error("{} got a message it does not know ({}); dropped", ClientBus.DEAD_LETTER, msg.body());
      msg.fail(400, "expected DeadLetters or RejectedLines");
    }
  }

  /**
   * A batch refused for good: one line for all of it (its lines are not told one by one), saying
   * where they are and how to get them stored once the cause is fixed.
   */
  private void refusedBatch(RejectedLines rejected) {
    log.error("batch {} ({} lines) refused for good: {}; its lines are in the dead-letter file {} with that "
        + "reason, and sending goes on; fix the cause, then replay them: bin/outflux deadletter list, then "
        + "bin/outflux deadletter replay --reason 'refused for good'", rejected.seq(), rejected.lines().size(),
        LogSafe.of(rejected.refused()), path);
  }

  /**
   * Appends (and fsyncs, with {@code sync}) on the ordered worker queue, after everything asked before.
   *
   * @param told the letters were reported already (a refused batch): not logged line by line
   */
  private Future<Void> append(List<DeadLetter> letters, boolean sync, boolean told) {
    long before = sinceStart;
    sinceStart = before + letters.size();
    for (DeadLetter d : told ? List.<DeadLetter>of() : letters) {
      long n = ++before;
      if (n <= 10 || Long.bitCount(n) == 1) {
        log.warn("dead-lettered line #{} ({}{}): {} -> {}", n, d.stage(), d.file().isEmpty() ? ", batch " + d.batch()
            : ", " + d.file() + " offset " + d.offset(), d.reason(), path);
      }
    }
    return vertx.<Void>executeBlocking(() -> {
      file.append(letters);
      if (sync) {
        file.force();
      }
      return null;
    }, true).recover(err -> {
      sinceStart -= letters.size(); // not in the file: the sender keeps them and asks again
      log.error("could not {} the dead-letter file {}: {}", letters.isEmpty() ? "fsync"
          : "append " + letters.size() + " records to", path, reason(err));
      return Future.failedFuture(reason(err));
    });
  }

  /** The failure with its cause ("cannot append to the dead-letter file …: No space left on device"). */
  private static String reason(Throwable err) {
    Throwable cause = err.getCause();
    String detail = cause == null ? null : cause instanceof java.nio.file.FileSystemException fse
        ? fse.getClass().getSimpleName() + " " + fse.getMessage() : cause.getMessage();
    return detail == null ? String.valueOf(err.getMessage()) : err.getMessage() + ": " + detail;
  }

  private JsonObject status() {
    long start = atStart;
    return new JsonObject().put("deadLetterFile", path.toString())
        .put("deadLetterRecords", start < 0 ? -1 : start + sinceStart)
        .put("deadLetteredSinceStart", sinceStart);
  }

  /** Records in a dead-letter file (one per line); 0 when it does not exist, -1 when unreadable. */
  static long countRecords(Path file) {
    if (!Files.exists(file)) {
      return 0;
    }
    long n = 0;
    byte[] buf = new byte[64 * 1024];
    try (InputStream in = Files.newInputStream(file)) {
      for (int r = in.read(buf); r >= 0; r = in.read(buf)) {
        for (int i = 0; i < r; i++) {
          if (buf[i] == '\n') {
            n++;
          }
        }
      }
    } catch (IOException e) {
      return -1;
    }
    return n;
  }
}
