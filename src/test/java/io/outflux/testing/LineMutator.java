package io.outflux.testing;

import io.outflux.demo.TelegrafLikeLines;
import java.io.ByteArrayOutputStream;
import java.util.Random;

/**
 * Generates hostile variations of valid lines (seeded, so a failure is reproducible): bytes
 * flipped, syntax characters inserted or removed, escapes and quotes unbalanced, invalid UTF-8,
 * NUL and control bytes, truncation, duplication.
 */
public final class LineMutator {

  private static final byte[] SPECIAL = {' ', ',', '=', '"', '\\', '\r', '\n', 0, 0x7f, (byte) 0xc3, (byte) 0xff,
      (byte) 0x80, '#', 't', 'i', 'u', '-', '.', 'e', '9'};

  private final Random random;
  private final TelegrafLikeLines lines = new TelegrafLikeLines("fuzz", 1_700_000_000_000_000_000L);

  public LineMutator(long seed) {
    this.random = new Random(seed);
  }

  /** One input: a valid line, most of the time mutated a few times. */
  public byte[] next() {
    byte[] b = lines.line(random.nextInt(1_000_000)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    int mutations = random.nextInt(10) == 0 ? 0 : 1 + random.nextInt(4);
    for (int m = 0; m < mutations; m++) {
      b = mutate(b);
    }
    return b;
  }

  private byte[] mutate(byte[] b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(b.length + 8);
    int at = b.length == 0 ? 0 : random.nextInt(b.length);
    switch (random.nextInt(6)) {
      case 0 -> { // flip a byte
        out.write(b, 0, b.length);
        byte[] r = out.toByteArray();
        if (r.length > 0) {
          r[at] = (byte) random.nextInt(256);
        }
        return r;
      }
      case 1 -> { // insert a syntax or hostile byte
        out.write(b, 0, at);
        out.write(SPECIAL[random.nextInt(SPECIAL.length)]);
        out.write(b, at, b.length - at);
      }
      case 2 -> { // delete a byte
        out.write(b, 0, at);
        if (at + 1 < b.length) {
          out.write(b, at + 1, b.length - at - 1);
        }
      }
      case 3 -> out.write(b, 0, at); // truncate
      case 4 -> { // duplicate a slice
        out.write(b, 0, b.length);
        int len = Math.min(b.length - at, 1 + random.nextInt(20));
        out.write(b, at, len);
      }
      default -> { // replace the timestamp with something odd
        String[] odd = {"", " 99999999999999999999", " -1", " 1.5", " 0x10", " 1e9", "  1"};
        int space = lastSpace(b);
        out.write(b, 0, space < 0 ? b.length : space);
        out.writeBytes(odd[random.nextInt(odd.length)].getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
    }
    return out.toByteArray();
  }

  private static int lastSpace(byte[] b) {
    for (int i = b.length - 1; i >= 0; i--) {
      if (b[i] == ' ') {
        return i;
      }
    }
    return -1;
  }
}
