package io.outflux.cluster;

import io.outflux.protocol.BatchSpan;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * What one client has stored in one lane (and scope), by spool position: per spool file, the byte
 * ranges whose lines InfluxDB took. The state of a client, not of its batches: ranges of batches
 * stored one after the other merge, so a client that keeps sending holds one range per file it is
 * reading (plus, briefly, one per batch stored ahead of an earlier one still in flight).
 *
 * <p>Ranges only ever record what was stored. Anything forgotten (a file beyond {@link #MAX_FILES},
 * ranges beyond {@link #MAX_RANGES}, a lost update when two nodes record at once, the TTL) only means
 * that a resent batch is written again, which InfluxDB turns into an overwrite of the same points.
 * Immutable; pure.
 */
public final class StoredSpans {

  /** Files remembered per client and lane: the least recently stored one is forgotten first. */
  static final int MAX_FILES = 16;
  /** Ranges remembered per file: the lowest ones are forgotten first (resends are of the newest lines). */
  static final int MAX_RANGES = 8;

  public static final StoredSpans EMPTY = new StoredSpans(List.of());

  record Range(long from, long to) {
  }

  record FileRanges(String file, List<Range> ranges) {
  }

  /** Least recently stored first. */
  private final List<FileRanges> files;

  private StoredSpans(List<FileRanges> files) {
    this.files = files;
  }

  /**
   * How many bytes from the span's start are stored already: for a verbatim span, up to the end of the
   * stored range its start falls in; otherwise all of it or nothing (a rewritten payload cannot be cut
   * by file offset). The caller cuts the payload there only at a line boundary.
   */
  public long storedPrefix(BatchSpan span) {
    for (FileRanges f : files) {
      if (!f.file().equals(span.file())) {
        continue;
      }
      for (Range r : f.ranges()) {
        if (r.from() <= span.from() && span.from() < r.to()) {
          long stored = Math.min(r.to(), span.to()) - span.from();
          return span.verbatim() || stored == span.length() ? stored : 0;
        }
      }
    }
    return 0;
  }

  /** This state once the span's lines are stored. */
  public StoredSpans stored(BatchSpan span) {
    List<FileRanges> next = new ArrayList<>(files.size() + 1);
    List<Range> ranges = new ArrayList<>();
    for (FileRanges f : files) {
      if (f.file().equals(span.file())) {
        ranges.addAll(f.ranges());
      } else {
        next.add(f);
      }
    }
    ranges = merge(ranges, new Range(span.from(), span.to()));
    while (ranges.size() > MAX_RANGES) {
      ranges.remove(0);
    }
    next.add(new FileRanges(span.file(), List.copyOf(ranges)));
    while (next.size() > MAX_FILES) {
      next.remove(0);
    }
    return new StoredSpans(List.copyOf(next));
  }

  /** Sorted, disjoint, non-adjacent ranges with {@code add} merged in. */
  private static List<Range> merge(List<Range> sorted, Range add) {
    List<Range> out = new ArrayList<>(sorted.size() + 1);
    long from = add.from();
    long to = add.to();
    boolean placed = false;
    for (Range r : sorted) {
      if (r.to() < from) {
        out.add(r);
      } else if (r.from() > to) {
        if (!placed) {
          out.add(new Range(from, to));
          placed = true;
        }
        out.add(r);
      } else {
        from = Math.min(from, r.from());
        to = Math.max(to, r.to());
      }
    }
    if (!placed) {
      out.add(new Range(from, to));
    }
    return out;
  }

  int fileCount() {
    return files.size();
  }

  int rangeCount() {
    return files.stream().mapToInt(f -> f.ranges().size()).sum();
  }

  public JsonObject toJson() {
    JsonArray arr = new JsonArray();
    for (FileRanges f : files) {
      JsonArray rs = new JsonArray();
      f.ranges().forEach(r -> rs.add(new JsonArray().add(r.from()).add(r.to())));
      arr.add(new JsonObject().put("f", f.file()).put("r", rs));
    }
    return new JsonObject().put("files", arr);
  }

  /** Reads {@link #toJson()}; anything unreadable reads as nothing stored (resends are then written again). */
  public static StoredSpans fromJson(JsonObject json) {
    try {
      List<FileRanges> files = new ArrayList<>();
      JsonArray arr = json.getJsonArray("files", new JsonArray());
      for (int i = 0; i < arr.size(); i++) {
        JsonObject f = arr.getJsonObject(i);
        List<Range> ranges = new ArrayList<>();
        JsonArray rs = f.getJsonArray("r");
        for (int j = 0; j < rs.size(); j++) {
          Range r = new Range(rs.getJsonArray(j).getLong(0), rs.getJsonArray(j).getLong(1));
          if (r.from() >= r.to() || (!ranges.isEmpty() && ranges.get(ranges.size() - 1).to() >= r.from())) {
            return EMPTY;
          }
          ranges.add(r);
        }
        files.add(new FileRanges(f.getString("f"), List.copyOf(ranges)));
      }
      return new StoredSpans(List.copyOf(files));
    } catch (RuntimeException e) {
      return EMPTY;
    }
  }
}
