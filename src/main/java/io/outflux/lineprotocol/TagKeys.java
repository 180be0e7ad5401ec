package io.outflux.lineprotocol;

import java.util.Arrays;

/**
 * Finds a repeated tag key in one line. The reference decoder sorts the tags and rejects the point
 * on a duplicate; here the keys are compared in place (unescaped, byte by byte) through a hash, so
 * nothing is copied. The arrays grow to the largest tag count seen and are then reused.
 */
final class TagKeys {

  private int[] starts = new int[16];
  private int[] ends = new int[16];
  private int[] hashes = new int[16];
  private int count;

  void clear() {
    count = 0;
  }

  void add(byte[] b, int start, int end) {
    if (count == starts.length) {
      int n = count * 2;
      starts = Arrays.copyOf(starts, n);
      ends = Arrays.copyOf(ends, n);
      hashes = Arrays.copyOf(hashes, n);
    }
    starts[count] = start;
    ends[count] = end;
    hashes[count] = hash(b, start, end);
    count++;
  }

  /** Start of the second occurrence of a repeated key, or -1 when all keys differ. */
  int findDuplicate(byte[] b) {
    for (int j = 1; j < count; j++) {
      for (int k = 0; k < j; k++) {
        if (hashes[j] == hashes[k] && sameKey(b, starts[j], ends[j], starts[k], ends[k])) {
          return starts[j];
        }
      }
    }
    return -1;
  }

  private static int hash(byte[] b, int start, int end) {
    int h = 1;
    for (int i = start; i < end; i++) {
      if (isEscape(b, i, end)) {
        i++;
      }
      h = 31 * h + b[i];
    }
    return h;
  }

  /** Compares two keys as unescaped bytes: "a\ b" equals "a\ b" but not "a\\ b". */
  private static boolean sameKey(byte[] b, int s1, int e1, int s2, int e2) {
    int i = s1;
    int j = s2;
    while (i < e1 && j < e2) {
      if (isEscape(b, i, e1)) {
        i++;
      }
      if (isEscape(b, j, e2)) {
        j++;
      }
      if (b[i] != b[j]) {
        return false;
      }
      i++;
      j++;
    }
    return i == e1 && j == e2;
  }

  private static boolean isEscape(byte[] b, int i, int end) {
    return b[i] == '\\' && i + 1 < end && ByteClasses.is(b[i + 1], ByteClasses.NAME_ESCAPE);
  }
}
