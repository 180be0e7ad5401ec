package io.outflux.transport;

import com.github.luben.zstd.ZstdDictCompress;
import io.outflux.lineprotocol.BufferBytes;
import io.vertx.core.buffer.Buffer;

/**
 * A zstd dictionary trained on the site's own lines, named by its content: the version is the first
 * 16 hex digits of the SHA-256 of its bytes ({@link io.outflux.protocol.DictionaryProtocol#idOf}), so client and server can never disagree
 * on what an id means, and a retrained dictionary is a new version. Compresses at {@link Zstd#LEVEL}.
 */
public final class ZstdDictionary {

  private final String id;
  private final byte[] bytes;
  private final ZstdDictCompress compress;

  private ZstdDictionary(byte[] bytes) {
    this.bytes = bytes.clone();
    this.id = io.outflux.protocol.DictionaryProtocol.idOf(this.bytes);
    this.compress = new ZstdDictCompress(this.bytes, Zstd.LEVEL);
  }

  public static ZstdDictionary of(byte[] bytes) {
    if (bytes.length == 0) {
      throw new IllegalArgumentException("an empty dictionary");
    }
    return new ZstdDictionary(bytes);
  }

  public String id() {
    return id;
  }

  public byte[] bytes() {
    return bytes.clone();
  }

  public int size() {
    return bytes.length;
  }

  /** One zstd frame of the payload, compressed with this dictionary. */
  public Buffer compress(Buffer payload) {
    BufferBytes src = BufferBytes.of(payload);
    byte[] dst = new byte[(int) com.github.luben.zstd.Zstd.compressBound(src.length())];
    long n = com.github.luben.zstd.Zstd.compressFastDict(dst, 0, src.array(), src.offset(), src.length(), compress);
    if (com.github.luben.zstd.Zstd.isError(n)) {
      throw new IllegalStateException("zstd: " + com.github.luben.zstd.Zstd.getErrorName(n));
    }
    return io.vertx.core.internal.buffer.BufferInternal.buffer(io.netty.buffer.Unpooled.wrappedBuffer(dst, 0, (int) n));
  }

  @Override
  public String toString() {
    return id + " (" + bytes.length + " bytes)";
  }
}
