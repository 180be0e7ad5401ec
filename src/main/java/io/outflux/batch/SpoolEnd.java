package io.outflux.batch;

import io.outflux.spool.FileId;
import io.outflux.spool.SpoolPosition;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Where the spool's complete lines end right now: the active file's identity and the offset after
 * its last '\n'. A flush must cover lines the tail has not handed over yet, so it aims at this
 * position rather than at what the batcher holds; a half-written last line is not part of the
 * target (the tail waits for its newline). The stat and read run on a worker.
 */
public final class SpoolEnd implements BatchVerticle.SpoolEndSource {

  /** How far back from the end a newline is looked for; a longer last line is covered by the size. */
  private static final int LOOK_BACK = 64 * 1024;

  private final Vertx vertx;
  private final Path path;

  public SpoolEnd(Vertx vertx, Path path) {
    this.vertx = vertx;
    this.path = path;
  }

  @Override
  public Future<SpoolPosition> completeLinesEnd() {
    return vertx.executeBlocking(this::read, false);
  }

  private SpoolPosition read() throws IOException {
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      FileId id = FileId.of(path);
      long size = ch.size();
      int length = (int) Math.min(LOOK_BACK, size);
      long from = size - length;
      ByteBuffer buf = ByteBuffer.allocate(length);
      while (buf.hasRemaining() && ch.read(buf, from + buf.position()) > 0) {
        // read the whole window
      }
      long end = from;
      for (int i = buf.position() - 1; i >= 0; i--) {
        if (buf.get(i) == '\n') {
          end = from + i + 1;
          break;
        }
      }
      return new SpoolPosition(id, path.getFileName().toString(), end, "");
    } catch (NoSuchFileException e) {
      return SpoolPosition.START;
    }
  }
}
