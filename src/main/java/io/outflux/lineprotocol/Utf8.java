package io.outflux.lineprotocol;

/**
 * UTF-8 validation one sequence at a time, with the same rules as Go's {@code utf8.Valid} (the
 * reference decoder's check): no overlong forms, no surrogates, nothing above U+10FFFF.
 */
final class Utf8 {

  private Utf8() {
  }

  /**
   * Length (2-4) of the valid multi-byte sequence starting at {@code i}, whose byte is >= 0x80,
   * or -1 if it is not a valid sequence that ends before {@code end}.
   */
  static int sequenceLength(byte[] b, int i, int end) {
    int lead = b[i] & 0xff;
    if (lead < 0xc2) {
      return -1; // a stray continuation byte, or an overlong 2-byte form of ASCII
    }
    if (lead < 0xe0) {
      return i + 1 < end && isContinuation(b[i + 1]) ? 2 : -1;
    }
    if (lead < 0xf0) {
      if (i + 2 >= end) {
        return -1;
      }
      int second = b[i + 1] & 0xff;
      int lo = lead == 0xe0 ? 0xa0 : 0x80; // 0xe0 0x80..0x9f would be overlong
      int hi = lead == 0xed ? 0x9f : 0xbf; // 0xed 0xa0..0xbf would be a UTF-16 surrogate
      return second >= lo && second <= hi && isContinuation(b[i + 2]) ? 3 : -1;
    }
    if (lead < 0xf5) {
      if (i + 3 >= end) {
        return -1;
      }
      int second = b[i + 1] & 0xff;
      int lo = lead == 0xf0 ? 0x90 : 0x80; // overlong below U+10000
      int hi = lead == 0xf4 ? 0x8f : 0xbf; // above U+10FFFF
      return second >= lo && second <= hi && isContinuation(b[i + 2]) && isContinuation(b[i + 3])
          ? 4 : -1;
    }
    return -1;
  }

  private static boolean isContinuation(byte b) {
    return (b & 0xc0) == 0x80;
  }
}
