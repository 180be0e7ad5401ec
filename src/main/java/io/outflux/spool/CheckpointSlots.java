package io.outflux.spool;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * The checkpoint file's layout (format 4). {@value #FILE_SIZE} bytes: two slots of {@value #SLOT_SIZE}
 * bytes, A at 0 and B at {@value #SLOT_SIZE}. Generation {@code g} is written to slot {@code g % 2}
 * (even: A, odd: B), so saves alternate and each overwrites the older slot. A slot, big-endian:
 *
 * <pre>
 *   0  8 bytes  magic "OFXCKPT4"
 *   8  8 bytes  generation (counts saves; the valid slot with the higher one is current)
 *  16  4 bytes  payload length n
 *  20  4 bytes  CRC32C of bytes 0..19 and of the payload
 *  24  n bytes  payload: the checkpoint as JSON ({@link CheckpointCodec}); the rest of the slot is zeros
 * </pre>
 *
 * Pure: encodes and decodes bytes.
 */
final class CheckpointSlots {

  static final int SLOT_SIZE = 4096;
  static final int FILE_SIZE = 2 * SLOT_SIZE;
  static final byte[] MAGIC = "OFXCKPT4".getBytes(StandardCharsets.US_ASCII);
  private static final int HEADER = 24;

  private CheckpointSlots() {
  }

  static int slotOffset(long generation) {
    return (int) (generation % 2) * SLOT_SIZE;
  }

  static byte[] encode(Checkpoint checkpoint, long generation) {
    byte[] payload = checkpoint.toJson().encode().getBytes(StandardCharsets.UTF_8);
    if (payload.length > SLOT_SIZE - HEADER) {
      throw new IllegalArgumentException("checkpoint too large for a slot (" + payload.length + " bytes): "
          + checkpoint);
    }
    ByteBuffer buf = ByteBuffer.allocate(SLOT_SIZE);
    buf.put(MAGIC).putLong(generation).putInt(payload.length);
    CRC32C crc = new CRC32C();
    crc.update(buf.array(), 0, 20);
    crc.update(payload);
    buf.putInt((int) crc.getValue()).put(payload);
    return buf.array();
  }

  /** What {@code bytes} (the whole file) hold. */
  static CheckpointStore.Inspection inspect(Path file, byte[] bytes) {
    if (looksLikeJson(bytes)) {
      try {
        Checkpoint c = Checkpoint.fromJson(new JsonObject(new String(bytes, StandardCharsets.UTF_8)));
        return new CheckpointStore.Inspection(file, bytes.length, true, new CheckpointStore.Slot[0], Optional.of(c), null);
      } catch (DecodeException | NullPointerException | ClassCastException e) {
        return new CheckpointStore.Inspection(file, bytes.length, true, new CheckpointStore.Slot[0], Optional.empty(),
            "a JSON checkpoint of an earlier release that does not parse: " + e.getMessage());
      }
    }
    CheckpointStore.Slot[] slots = {slot("A", 0, bytes), slot("B", 1, bytes)};
    return new CheckpointStore.Inspection(file, bytes.length, false, slots, Optional.empty(), null);
  }

  private static CheckpointStore.Slot slot(String name, int index, byte[] file) {
    int at = index * SLOT_SIZE;
    int have = Math.max(0, Math.min(SLOT_SIZE, file.length - at));
    if (have < HEADER) {
      return damaged(name, have == 0 ? "missing: the file ends before it (truncated)"
          : "torn: only " + have + " of its bytes are there (truncated)");
    }
    ByteBuffer buf = ByteBuffer.wrap(file, at, have).slice();
    byte[] magic = new byte[MAGIC.length];
    buf.get(magic);
    if (!java.util.Arrays.equals(magic, MAGIC)) {
      return damaged(name, allZero(file, at, have) ? "empty (zeros)" : "not a checkpoint slot (no OFXCKPT4 header: "
          + "overwritten?)");
    }
    long generation = buf.getLong();
    int length = buf.getInt();
    int stored = buf.getInt();
    if (length < 0 || length > SLOT_SIZE - HEADER) {
      return damaged(name, "bad payload length " + length);
    }
    if (HEADER + length > have) {
      return damaged(name, "torn: the file ends inside it (truncated at " + (at + have) + " bytes)");
    }
    CRC32C crc = new CRC32C();
    crc.update(file, at, 20);
    crc.update(file, at + HEADER, length);
    if ((int) crc.getValue() != stored) {
      return damaged(name, "checksum mismatch (a torn or corrupted write)");
    }
    if (generation % 2 != index) {
      return damaged(name, "generation " + generation + " does not belong in this slot");
    }
    try {
      Checkpoint c = Checkpoint.fromJson(new JsonObject(new String(file, at + HEADER, length, StandardCharsets.UTF_8)));
      return new CheckpointStore.Slot(name, generation, c, null);
    } catch (DecodeException | NullPointerException | ClassCastException e) {
      return damaged(name, "checksum right but content unreadable: " + e.getMessage());
    }
  }

  private static CheckpointStore.Slot damaged(String name, String problem) {
    return new CheckpointStore.Slot(name, -1, null, problem);
  }

  private static boolean looksLikeJson(byte[] bytes) {
    for (byte b : bytes) {
      if (b == ' ' || b == '\n' || b == '\r' || b == '\t') {
        continue;
      }
      return b == '{';
    }
    return false;
  }

  private static boolean allZero(byte[] bytes, int from, int length) {
    for (int i = from; i < from + length; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return true;
  }
}
