package io.outflux.transport;

import io.outflux.lineprotocol.BufferBytes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

/**
 * zstd (level 1) for HTTP batch bodies: fewer bytes than gzip level 6 at a fraction of gzip's CPU
 * (docs/metered-links.md). Large payloads are compressed on a worker, like {@link Gzip}.
 */
final class Zstd {

  /** Level 1: on Telegraf-like lines fewer bytes than gzip 6 and higher zstd levels; the least CPU. */
  static final int LEVEL = 1;
  private static final int INLINE_LIMIT = 64 * 1024;

  private Zstd() {
  }

  static Future<Buffer> compress(Vertx vertx, Buffer payload) {
    if (payload.length() <= INLINE_LIMIT) {
      return Future.succeededFuture(compress(payload));
    }
    return vertx.executeBlocking(() -> compress(payload), false);
  }

  /** With a dictionary the server took ({@link ZstdDictionaries}); large payloads on a worker. */
  static Future<Buffer> compress(Vertx vertx, Buffer payload, ZstdDictionary dictionary) {
    if (payload.length() <= INLINE_LIMIT) {
      return Future.succeededFuture(dictionary.compress(payload));
    }
    return vertx.executeBlocking(() -> dictionary.compress(payload), false);
  }

  static Buffer compress(Buffer payload) {
    BufferBytes bytes = BufferBytes.of(payload);
    byte[] src = bytes.array();
    byte[] dst = new byte[(int) com.github.luben.zstd.Zstd.compressBound(bytes.length())];
    long n = com.github.luben.zstd.Zstd.compressByteArray(dst, 0, dst.length, src, bytes.offset(), bytes.length(), LEVEL);
    if (com.github.luben.zstd.Zstd.isError(n)) {
      throw new IllegalStateException("zstd: " + com.github.luben.zstd.Zstd.getErrorName(n));
    }
    return io.vertx.core.internal.buffer.BufferInternal.buffer(io.netty.buffer.Unpooled.wrappedBuffer(dst, 0, (int) n));
  }
}
