package io.outflux.lineprotocol;

import java.util.Arrays;

/**
 * Finds a repeated tag key in one line. The reference decoder sorts the tags and rejects the point
 * on a duplicate; here the keys are compared in place (unescaped, byte by byte), so nothing is
 * copied. Telegraf writes tags sorted, so one pass that confirms strictly ascending keys settles
 * almost every line; only unsorted tag sets pay for the pairwise comparison. The arrays grow to
 * the largest tag count seen and are then reused.
 */
final class TagKeys {

  private int[] starts = new int[16];
  private int[] ends = new int[16];
  private int count;

  void clear() {
    count = 0;
  }

  void add(byte[] b, int start, int end) {
    if (count == starts.length) {
      int n = count * 2;
      starts = Arrays.copyOf(starts, n);
      ends = Arrays.copyOf(ends, n);
    }
    starts[count] = start;
    ends[count] = end;
    count++;
  }

  /** Start of the second occurrence of a repeated key, or -1 when all keys differ. */
  int findDuplicate(byte[] b) {
    int j = 1;
    while (j < count && compare(b, starts[j - 1], ends[j - 1], starts[j], ends[j]) < 0) {
      j++;
    }
    if (j == count) {
      return -1;
    }
    for (; j < count; j++) {
      for (int k = 0; k < j; k++) {
        if (compare(b, starts[j], ends[j], starts[k], ends[k]) == 0) {
          return starts[j];
        }
      }
    }
    return -1;
  }

  /** Compares two keys as unescaped bytes (unsigned): "a\ b" equals "a\ b", not "a\\ b". */
  private static int compare(byte[] b, int s1, int e1, int s2, int e2) {
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
        return (b[i] & 0xff) - (b[j] & 0xff);
      }
      i++;
      j++;
    }
    return (i < e1 ? 1 : 0) - (j < e2 ? 1 : 0);
  }

  private static boolean isEscape(byte[] b, int i, int end) {
    return b[i] == '\\' && i + 1 < end && ByteClasses.is(b[i + 1], ByteClasses.NAME_ESCAPE);
  }
}
