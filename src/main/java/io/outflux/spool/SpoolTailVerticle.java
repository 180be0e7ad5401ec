package io.outflux.spool;

import io.outflux.client.ClientBus;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the spool file from the last checkpoint and hands complete lines to the batcher, one
 * chunk at a time: the next read starts only after the batcher accepted the previous chunk, so a
 * backlog of any size never sits in memory. Also persists the checkpoint when batches are acked.
 */
public final class SpoolTailVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(SpoolTailVerticle.class);

  private final SpoolConfig config;
  private final CheckpointStore checkpoints;
  private final LineCutter cutter = new LineCutter();
  private final CheckpointWriter checkpointWriter;
  private AsyncFile file;
  private long readPos;
  private boolean stopped;
  private boolean waitingForFileLogged;
  private long pollTimer = -1;

  public SpoolTailVerticle(SpoolConfig config, Checkpoint start) {
    this.config = config;
    this.checkpoints = new CheckpointStore(config.checkpoint());
    this.readPos = start.synced().offset();
    this.checkpointWriter = new CheckpointWriter(checkpoints, start);
  }

  @Override
  public Future<?> start() {
    checkpointWriter.attach(vertx);
    vertx.eventBus().<Checkpoint>localConsumer(ClientBus.ACKED, msg -> checkpointWriter.offer(msg.body()));
    vertx.eventBus().localConsumer(ClientBus.READ_NOW, msg -> readNow());
    log.info("tailing {} from offset {}", config.path(), readPos);
    vertx.runOnContext(v -> pump());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    Future<Void> closed = file == null ? Future.succeededFuture() : file.close();
    return Future.all(closed, checkpointWriter.drain());
  }

  private void pump() {
    if (stopped) {
      return;
    }
    openFile()
        .compose(f -> f == null ? Future.succeededFuture(false) : readOnce(f))
        .onComplete(ar -> {
          if (ar.failed()) {
            log.warn("reading {} failed, retrying: {}", config.path(), ar.cause().toString());
            later();
          } else if (ar.result()) {
            pump();
          } else {
            later();
          }
        });
  }

  private void later() {
    if (!stopped) {
      pollTimer = vertx.setTimer(config.pollInterval().toMillis(), id -> {
        pollTimer = -1;
        pump();
      });
    }
  }

  /** A flush is waiting: look for new lines now instead of at the next poll (no-op while reading). */
  private void readNow() {
    if (pollTimer >= 0 && vertx.cancelTimer(pollTimer)) {
      pollTimer = -1;
      pump();
    }
  }

  private Future<AsyncFile> openFile() {
    if (file != null) {
      return Future.succeededFuture(file);
    }
    String path = config.path().toString();
    return vertx.fileSystem().exists(path).compose(exists -> {
      if (!exists) {
        if (!waitingForFileLogged) {
          log.info("spool {} does not exist yet; waiting for the writer to create it", path);
          waitingForFileLogged = true;
        }
        return Future.succeededFuture(null);
      }
      return vertx.fileSystem().open(path, new OpenOptions().setRead(true).setWrite(false).setCreate(false))
          .map(f -> file = f);
    });
  }

  /** @return true when it handed on lines (so read again at once), false when there is nothing yet */
  private Future<Boolean> readOnce(AsyncFile f) {
    return f.size().compose(size -> {
      if (size < readPos) {
        log.warn("spool {} shrank to {} bytes below the read offset {}: it was truncated; reading it from the start",
            config.path(), size, readPos);
        readPos = 0;
      }
      if (size == readPos) {
        return Future.succeededFuture(false);
      }
      int length = (int) Math.min(config.readChunkSize(), size - readPos);
      return f.read(Buffer.buffer(length), 0, readPos, length).compose(buf -> handOn(buf, length));
    });
  }

  private Future<Boolean> handOn(Buffer buf, int length) {
    cutter.cut(buf, length, config.readChunkLines());
    if (cutter.completeBytes == 0) {
      if (length == config.readChunkSize()) {
        // TODO(issue 3): oversized lines go to the dead-letter file; until then skip to the next line
        log.warn("line at offset {} of {} is longer than spool.readChunkSize ({} bytes); skipping it",
            readPos, config.path(), length);
        readPos += length;
        return Future.succeededFuture(true);
      }
      return Future.succeededFuture(false);
    }
    long start = readPos;
    readPos += cutter.completeBytes;
    SpoolChunk chunk = new SpoolChunk(new SpoolPosition(start), new SpoolPosition(readPos),
        buf.slice(0, cutter.completeBytes), cutter.lines);
    return vertx.eventBus().request(ClientBus.LINES, chunk, ClientBus.UNBOUNDED_WAIT).map(reply -> true);
  }
}
