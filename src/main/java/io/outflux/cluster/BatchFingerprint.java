package io.outflux.cluster;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.util.zip.CRC32C;

/**
 * Identifies a batch's content: a sequence number alone is not enough, because a client that
 * restarts from its checkpoint numbers the re-cut batches from the last acknowledged one again,
 * and the new batch N need not hold the same lines as the old batch N.
 */
public final class BatchFingerprint {

  private BatchFingerprint() {
  }

  /** CRC-32C (hardware accelerated) and the length, e.g. {@code 1f2e3d4c-18000}. */
  public static String of(Buffer lines) {
    CRC32C crc = new CRC32C();
    if (lines instanceof BufferInternal internal) {
      crc.update(internal.getByteBuf().nioBuffer());
    } else {
      crc.update(lines.getBytes());
    }
    return Long.toHexString(crc.getValue()) + "-" + lines.length();
  }
}
