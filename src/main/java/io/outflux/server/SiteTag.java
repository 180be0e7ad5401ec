package io.outflux.server;

import io.outflux.lineprotocol.BufferBytes;
import io.outflux.lineprotocol.LineInfo;
import io.outflux.lineprotocol.LineKind;
import io.outflux.lineprotocol.LineScanner;
import io.outflux.lineprotocol.Newlines;
import io.outflux.lineprotocol.Precision;
import io.outflux.protocol.RejectList;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * Adds the site tag ({@code sites.tagName}, value: the identity the server bound to the client) to
 * every line of a batch, so that two sites writing the same series and timestamps cannot overwrite
 * each other centrally. A line that already carries the tag with the same value is kept as it is;
 * with another value it is refused (a per-line reject starting with {@link #CONFLICT}): a site
 * cannot write as another one.
 *
 * <p>The rewritten line is {@code measurement,tags fields[ timestamp]} with the tag set sorted by
 * unescaped key, compared as unsigned UTF-8 bytes (InfluxDB's canonical order); the measurement,
 * the fields and the timestamp are copied byte for byte, the tag set too apart from the order and
 * the one added tag, whose name and value are escaped (',', '=' and ' ' get a '\'). Names and
 * values with a backslash or a control character are refused up front ({@link #unusable}): a
 * trailing '\' cannot be written unambiguously in line protocol.
 *
 * <p>Pure and thread-safe apart from the scratch arrays of one instance: use one instance per call
 * of {@link #apply} (it is cheap).
 */
public final class SiteTag {

  /** How the reason of every line refused for carrying another site's tag begins. */
  public static final String CONFLICT = "site tag conflict";

  private final String name;
  private final String value;
  private final byte[] tag;        // "name=value", escaped
  private final int tagKeyEnd;     // index of the '=' in tag
  private int[] starts = new int[16];
  private int[] eqs = new int[16];
  private int[] ends = new int[16];
  private int[] order = new int[16];

  /** @throws IllegalArgumentException when {@link #unusable} says the name or value is */
  public SiteTag(String name, String value) {
    unusable(name).ifPresent(why -> {
      throw new IllegalArgumentException("site tag name " + why);
    });
    unusable(value).ifPresent(why -> {
      throw new IllegalArgumentException("site tag value " + why);
    });
    this.name = name;
    this.value = value;
    byte[] k = escape(name);
    byte[] v = escape(value);
    tag = new byte[k.length + 1 + v.length];
    System.arraycopy(k, 0, tag, 0, k.length);
    tag[k.length] = '=';
    System.arraycopy(v, 0, tag, k.length + 1, v.length);
    tagKeyEnd = k.length;
  }

  /** Why {@code s} cannot be a site tag's name or value, or empty when it can. */
  public static Optional<String> unusable(String s) {
    if (s == null || s.isEmpty()) {
      return Optional.of("is empty");
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\') {
        return Optional.of("contains a backslash");
      }
      if (c < 0x20 || c == 0x7f) {
        return Optional.of("contains a control character");
      }
    }
    if (s.length() > 256) {
      return Optional.of("is longer than 256 characters");
    }
    return Optional.empty();
  }

  public String name() {
    return name;
  }

  public String value() {
    return value;
  }

  /** A name or value as written in a tag: ',', '=' and ' ' preceded by '\'. */
  static byte[] escape(String s) {
    byte[] raw = s.getBytes(StandardCharsets.UTF_8);
    int extra = 0;
    for (byte c : raw) {
      if (c == ',' || c == '=' || c == ' ') {
        extra++;
      }
    }
    byte[] out = new byte[raw.length + extra];
    int j = 0;
    for (byte c : raw) {
      if (c == ',' || c == '=' || c == ' ') {
        out[j++] = '\\';
      }
      out[j++] = c;
    }
    return out;
  }

  /** The lines to write, how many, and how many were refused (added to the caller's list). */
  public record Result(Buffer lines, long count, long refused) {
  }

  /**
   * Tags every line of {@code lines} (lines the {@link LineGate} kept: valid, '\n'-separated);
   * refusals go to {@code rejected} in line order.
   */
  public Result apply(Buffer lines, Precision precision, RejectList rejected) {
    BufferBytes bytes = BufferBytes.of(lines);
    byte[] b = bytes.array();
    int end = bytes.offset() + bytes.length();
    LineScanner scanner = new LineScanner(precision);
    LineInfo info = new LineInfo();
    Out out = new Out(bytes.length() + bytes.length() / 8 + 64);
    long count = 0;
    long refused = 0;
    for (int pos = bytes.offset(); pos < end; ) {
      int nl = Newlines.indexOf(b, pos, end);
      int lineEnd = nl < 0 ? end : nl;
      if (scanner.scan(b, pos, lineEnd, info) == LineKind.POINT) {
        String conflict = line(b, info, out);
        if (conflict == null) {
          out.put((byte) '\n');
          count++;
        } else {
          refused++;
          if (rejected.listsMore()) {
            rejected.add(b, pos, lineEnd, conflict);
          } else {
            rejected.addUnlisted(1);
          }
        }
      }
      pos = nl < 0 ? end : nl + 1;
    }
    return new Result(Buffer.buffer(out.bytes()).slice(0, out.size), count, refused);
  }

  /**
   * Writes the tagged form of the scanned POINT {@code info} (no '\n') to {@code out}.
   *
   * @return null when written; otherwise the reason it is refused (nothing written)
   */
  String line(byte[] b, LineInfo info, Out out) {
    int n = splitTags(b, info.tagsStart(), info.tagsEnd());
    for (int t = 0; t < n; t++) {
      if (compare(b, starts[t], eqs[t], tag, 0, tagKeyEnd) == 0) {
        if (compare(b, eqs[t] + 1, ends[t], tag, tagKeyEnd + 1, tag.length) == 0) {
          out.put(b, info.lineStart(), info.lineEnd()); // already this site's: kept as it is
          return null;
        }
        return CONFLICT + ": the line carries " + name + "=" + unescape(b, eqs[t] + 1, ends[t])
            + " but the server identifies this client as " + name + "=" + value
            + " and adds that tag itself (sites.tagName); remove the tag at the edge or use another tag name";
      }
    }
    sort(b, n);
    out.put(b, info.measurementStart(), info.measurementEnd());
    boolean added = false;
    for (int i = 0; i < n; i++) {
      int t = order[i];
      if (!added && compare(tag, 0, tagKeyEnd, b, starts[t], eqs[t]) < 0) {
        out.put((byte) ',').put(tag, 0, tag.length);
        added = true;
      }
      out.put((byte) ',').put(b, starts[t], ends[t]);
    }
    if (!added) {
      out.put((byte) ',').put(tag, 0, tag.length);
    }
    out.put((byte) ' ').put(b, info.fieldsStart(), info.lineEnd());
    return null;
  }

  /** Splits {@code k=v,k2=v2} at its unescaped ',' and each tag at its first unescaped '='; returns the count. */
  private int splitTags(byte[] b, int from, int to) {
    int n = 0;
    int i = from;
    while (i < to) {
      if (n == starts.length) {
        int size = n * 2;
        starts = Arrays.copyOf(starts, size);
        eqs = Arrays.copyOf(eqs, size);
        ends = Arrays.copyOf(ends, size);
        order = Arrays.copyOf(order, size);
      }
      starts[n] = i;
      eqs[n] = -1;
      while (i < to && b[i] != ',') {
        if (b[i] == '=' && eqs[n] < 0) {
          eqs[n] = i;
        }
        i += isEscape(b, i, to) ? 2 : 1;
      }
      ends[n] = i;
      n++;
      i++; // past the ','
    }
    return n;
  }

  /** Insertion sort of the tag indexes by unescaped key: tag sets are short and usually sorted already. */
  private void sort(byte[] b, int n) {
    for (int i = 0; i < n; i++) {
      int t = i;
      int j = i;
      while (j > 0 && compare(b, starts[order[j - 1]], eqs[order[j - 1]], b, starts[t], eqs[t]) > 0) {
        order[j] = order[j - 1];
        j--;
      }
      order[j] = t;
    }
  }

  /** Compares two escaped names as unescaped bytes (unsigned). */
  static int compare(byte[] a, int as, int ae, byte[] c, int cs, int ce) {
    int i = as;
    int j = cs;
    while (i < ae && j < ce) {
      if (isEscape(a, i, ae)) {
        i++;
      }
      if (isEscape(c, j, ce)) {
        j++;
      }
      int d = (a[i] & 0xff) - (c[j] & 0xff);
      if (d != 0) {
        return d;
      }
      i++;
      j++;
    }
    return (i < ae ? 1 : 0) - (j < ce ? 1 : 0);
  }

  private static boolean isEscape(byte[] b, int i, int end) {
    return b[i] == '\\' && i + 1 < end && (b[i + 1] == ',' || b[i + 1] == '=' || b[i + 1] == ' ');
  }

  static String unescape(byte[] b, int from, int to) {
    byte[] out = new byte[to - from];
    int n = 0;
    for (int i = from; i < to; i++) {
      if (isEscape(b, i, to)) {
        i++;
      }
      out[n++] = b[i];
    }
    return new String(out, 0, n, StandardCharsets.UTF_8);
  }

  /** A growable byte array (no bounds re-checks per byte beyond the capacity test). */
  static final class Out {
    private byte[] buf;
    int size;

    Out(int capacity) {
      buf = new byte[Math.max(16, capacity)];
    }

    Out put(byte c) {
      ensure(1);
      buf[size++] = c;
      return this;
    }

    Out put(byte[] b, int from, int to) {
      ensure(to - from);
      System.arraycopy(b, from, buf, size, to - from);
      size += to - from;
      return this;
    }

    private void ensure(int more) {
      if (size + more > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
      }
    }

    byte[] bytes() {
      return buf;
    }

    @Override
    public String toString() {
      return new String(buf, 0, size, StandardCharsets.UTF_8);
    }
  }
}
