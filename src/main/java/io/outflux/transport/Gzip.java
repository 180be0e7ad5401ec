package io.outflux.transport;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Gzip for batch payloads. Small payloads (streaming) are compressed in place, which costs
 * microseconds; large ones go to a worker so that a 4 MiB batch never holds the event loop.
 */
final class Gzip {

  private static final int INLINE_LIMIT = 64 * 1024;

  private Gzip() {
  }

  static Future<Buffer> compress(Vertx vertx, Buffer payload) {
    if (payload.length() <= INLINE_LIMIT) {
      return Future.succeededFuture(compress(payload));
    }
    return vertx.executeBlocking(() -> compress(payload), false);
  }

  static Buffer compress(Buffer payload) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, payload.length() / 6));
    try (GZIPOutputStream gz = new GZIPOutputStream(out, 64 * 1024) {
      {
        def.setLevel(Deflater.BEST_SPEED);
      }
    }) {
      gz.write(payload.getBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Buffer.buffer(out.toByteArray());
  }
}
