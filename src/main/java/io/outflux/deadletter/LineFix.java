package io.outflux.deadletter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Repairs applied to a dead-lettered line before it is replayed. {@code --fix-crlf}: lines written
 * by a tool with "\r\r\n" endings, or with bare '\r' line ends (several points run together), are
 * dead-lettered because the scanner accepts only one trailing '\r'. The fix treats every '\r' as a
 * line end: the text is cut at each '\r' and empty pieces are dropped.
 */
public final class LineFix {

  private LineFix() {
  }

  /** The lines to replay for one record's text (without line ends). */
  public static List<byte[]> apply(byte[] line, boolean fixCrlf) {
    if (!fixCrlf) {
      return List.of(line);
    }
    List<byte[]> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= line.length; i++) {
      if (i == line.length || line[i] == '\r') {
        if (i > start) {
          out.add(Arrays.copyOfRange(line, start, i));
        }
        start = i + 1;
      }
    }
    return out;
  }
}
