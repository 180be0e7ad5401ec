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
 * the largest allowed size. HTTP bodies and stream frames both come through here; zstd HTTP bodies
 * ({@code Content-Encoding: zstd}, {@link #inflateZstd}) are decoded the same way.
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
    try {
      return decode(new GZIPInputStream(new ByteArrayInputStream(gz.getBytes())), gz.length(), maxSize, "gzip");
    } catch (IOException e) {
      throw new Corrupt("the body is not valid gzip: " + e.getMessage());
    }
  }

  static Future<Buffer> inflateZstd(Vertx vertx, Buffer zst, long maxSize) {
    return vertx.executeBlocking(() -> inflateZstd(zst, maxSize), false);
  }

  static Buffer inflateZstd(Buffer zst, long maxSize) throws TooLarge, Corrupt {
    try {
      return decode(new com.github.luben.zstd.ZstdInputStream(new ByteArrayInputStream(zst.getBytes())), zst.length(),
          maxSize, "zstd");
    } catch (IOException e) {
      throw new Corrupt("the body is not valid zstd: " + e.getMessage());
    }
  }

  /** A {@code zstd-dict} body: zstd with the client's dictionary ({@link DictionaryStore}), bounded the same way. */
  static Future<Buffer> inflateZstd(Vertx vertx, Buffer zst, long maxSize, com.github.luben.zstd.ZstdDictDecompress dict) {
    return vertx.executeBlocking(() -> inflateZstd(zst, maxSize, dict), false);
  }

  static Buffer inflateZstd(Buffer zst, long maxSize, com.github.luben.zstd.ZstdDictDecompress dict)
      throws TooLarge, Corrupt {
    try {
      return decode(new com.github.luben.zstd.ZstdInputStream(new ByteArrayInputStream(zst.getBytes())).setDict(dict),
          zst.length(), maxSize, "zstd with its dictionary");
    } catch (IOException e) {
      throw new Corrupt("the body is not valid zstd with its dictionary: " + e.getMessage());
    }
  }

  private static Buffer decode(java.io.InputStream decoder, int encodedLength, long maxSize, String name)
      throws TooLarge, Corrupt {
    Buffer out = Buffer.buffer((int) Math.min(maxSize, Math.max(1024L, encodedLength * 6L)));
    byte[] chunk = new byte[64 * 1024];
    try (java.io.InputStream in = decoder) {
      int n;
      while ((n = in.read(chunk)) > 0) {
        out.appendBytes(chunk, 0, n);
        if (out.length() > maxSize) {
          throw new TooLarge("batch larger than http.maxBodySize (" + maxSize + " bytes) once decompressed");
        }
      }
    } catch (IOException | RuntimeException e) {
      // a decoder's runtime error is the body's fault too: a 400, not the server's 503
      throw new Corrupt("the body is not valid " + name + ": " + e.getMessage());
    }
    return out;
  }

  /**
   * The HTTP status for a batch whose body could not be decoded: 413 too large once decoded, 400 corrupt;
   * anything else is this server's own failure (the cluster map holding the dictionaries did not answer, no
   * worker took the job), 503: the client tries again, on another node, instead of counting a bad request
   * towards putting sound lines into its dead-letter file.
   */
  static int status(Throwable failure) {
    return failure instanceof TooLarge ? 413 : failure instanceof Corrupt ? 400 : 503;
  }
}
