package io.outflux.deadletter;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Reads the dead-letter file one record at a time (it can be large: memory stays one record).
 * A last line without its newline is a record the client is still appending: it is left for later.
 */
public final class DeadLetterReader {

  private DeadLetterReader() {
  }

  /** Calls {@code each} for every complete record in file order; a missing file has none. */
  public static void forEach(Path file, Consumer<DeadLetterRecord> each) throws IOException {
    var decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
    long complete = completeLength(file);
    if (complete == 0) {
      return;
    }
    try (BufferedReader in = new BufferedReader(new java.io.InputStreamReader(
        new BoundedInput(Files.newInputStream(file), complete), decoder), 64 * 1024)) {
      long number = 0;
      String text;
      while ((text = in.readLine()) != null) {
        number++;
        if (!text.isBlank()) {
          each.accept(DeadLetterRecord.parse(number, text));
        }
      }
    }
  }

  /** Length of the file up to and including its last '\n'. */
  private static long completeLength(Path file) throws IOException {
    try (var ch = java.nio.channels.FileChannel.open(file)) {
      long size = ch.size();
      var buf = java.nio.ByteBuffer.allocate(1);
      for (long pos = size - 1; pos >= 0; pos--) {
        buf.clear();
        ch.read(buf, pos);
        if (buf.get(0) == '\n') {
          return pos + 1;
        }
      }
      return 0;
    } catch (NoSuchFileException e) {
      return 0;
    }
  }

  /** An input stream cut at a given length. */
  private static final class BoundedInput extends java.io.FilterInputStream {
    private long left;

    BoundedInput(java.io.InputStream in, long length) {
      super(in);
      this.left = length;
    }

    @Override
    public int read() throws IOException {
      if (left <= 0) {
        return -1;
      }
      int b = super.read();
      if (b >= 0) {
        left--;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left <= 0) {
        return -1;
      }
      int n = super.read(b, off, (int) Math.min(len, left));
      if (n > 0) {
        left -= n;
      }
      return n;
    }
  }
}
