package io.outflux.server;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.zip.GZIPInputStream;

/**
 * Inflates a gzip batch on a worker thread (many milliseconds of CPU for a large batch: not on an
 * event loop), stopping at the decoded size limit so that a gzip bomb costs no more than a batch of
 * the largest allowed size. HTTP bodies and stream frames both come through here.
 */
final class GzipBody {

  /** The decoded batch would exceed {@code http.maxBodySize}: answered with 413. */
  static final class TooLarge extends Exception {
    TooLarge(String message) {
      super(message, null, false, false);
    }
  }

  /** Not gzip, or a corrupt or truncated stream: answered with 400. */
  static final class Corrupt extends Exception {
    Corrupt(String message) {
      super(message, null, false, false);
    }
  }

  private GzipBody() {
  }

  static Future<Buffer> inflate(Vertx vertx, Buffer gz, long maxSize) {
    return vertx.executeBlocking(() -> inflate(gz, maxSize), false);
  }

  static Buffer inflate(Buffer gz, long maxSize) throws TooLarge, Corrupt {
    Buffer out = Buffer.buffer((int) Math.min(maxSize, Math.max(1024L, gz.length() * 6L)));
    byte[] chunk = new byte[64 * 1024];
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz.getBytes()))) {
      int n;
      while ((n = in.read(chunk)) > 0) {
        out.appendBytes(chunk, 0, n);
        if (out.length() > maxSize) {
          throw new TooLarge("batch larger than http.maxBodySize (" + maxSize + " bytes) once decompressed");
        }
      }
    } catch (IOException e) {
      throw new Corrupt("the body is not valid gzip: " + e.getMessage());
    }
    return out;
  }

  /** The HTTP status for a failed {@link #inflate}. */
  static int status(Throwable failure) {
    return failure instanceof TooLarge ? 413 : 400;
  }
}
