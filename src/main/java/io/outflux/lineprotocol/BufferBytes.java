package io.outflux.lineprotocol;

import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

/**
 * The bytes of a Vert.x {@link Buffer} as an array window, so that {@link LineScanner} and
 * {@link Newlines} can run over a file chunk without copying it when it is heap-backed (the usual
 * case for buffers read from files). Index {@code i} of the buffer is {@code array[offset + i]}.
 *
 * @param array  the backing array (or a copy, for direct buffers)
 * @param offset where the buffer's index 0 is in {@code array}
 * @param length the buffer's length
 */
public record BufferBytes(byte[] array, int offset, int length) {

  /** One call per buffer, not per line: it may allocate a view object or, for direct memory, a copy. */
  public static BufferBytes of(Buffer buffer) {
    if (buffer instanceof BufferInternal internal) {
      ByteBuf buf = internal.getByteBuf();
      if (buf.hasArray()) {
        return new BufferBytes(buf.array(), buf.arrayOffset() + buf.readerIndex(), buf.readableBytes());
      }
    }
    return new BufferBytes(buffer.getBytes(), 0, buffer.length());
  }
}
