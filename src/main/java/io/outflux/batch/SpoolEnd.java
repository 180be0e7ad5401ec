package io.outflux.batch;

import io.outflux.spool.SpoolPosition;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import java.nio.file.Path;

/**
 * Where the spool's complete lines end right now: the offset after the last '\n'. A flush must
 * cover lines the tail has not handed over yet, so it aims at this offset rather than at what the
 * batcher holds; a half-written last line is not part of the target (the tail waits for its newline).
 * Vert.x async file system only: safe on the event loop.
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
    String file = path.toString();
    return vertx.fileSystem().exists(file).compose(exists -> exists
        ? vertx.fileSystem().open(file, new OpenOptions().setRead(true).setWrite(false).setCreate(false))
            .compose(f -> lastNewline(f).eventually(f::close))
        : Future.succeededFuture(SpoolPosition.START));
  }

  private static Future<SpoolPosition> lastNewline(AsyncFile f) {
    return f.size().compose(size -> {
      if (size == 0) {
        return Future.succeededFuture(SpoolPosition.START);
      }
      int length = (int) Math.min(LOOK_BACK, size);
      long from = size - length;
      return f.read(Buffer.buffer(length), 0, from, length).map(buf -> {
        for (int i = buf.length() - 1; i >= 0; i--) {
          if (buf.getByte(i) == '\n') {
            return new SpoolPosition(from + i + 1);
          }
        }
        return new SpoolPosition(from);
      });
    });
  }
}
