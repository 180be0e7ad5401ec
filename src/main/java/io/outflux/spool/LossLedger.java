package io.outflux.spool;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Spool data provably gone before it was synced, one JSON record per loss in
 * {@code <spool.checkpoint>.losses}: when, which file, how many bytes (and lines, where known), the
 * likely cause and its fix, and whether the operator acknowledged it ({@code outflux loss ack}).
 * Losses are rare: the file is appended and fsynced per record. Blocking: use it from a worker.
 */
public final class LossLedger {

  /** One loss. {@code lines} is -1 when unknown (lines the client never read). */
  public record Loss(Instant at, String file, long bytes, long lines, String cause, boolean acked) {

    JsonObject toJson() {
      return new JsonObject().put("at", at.toString()).put("file", file).put("bytes", bytes).put("lines", lines)
          .put("cause", cause).put("acked", acked);
    }

    static Loss fromJson(JsonObject j) {
      return new Loss(Instant.parse(j.getString("at")), j.getString("file", ""), j.getLong("bytes", -1L),
          j.getLong("lines", -1L), j.getString("cause", ""), j.getBoolean("acked", false));
    }

    public String describe() {
      return (bytes < 0 ? "an unknown number of bytes" : bytes + " bytes") + " ("
          + (lines >= 0 ? lines + " lines" : "lines unknown") + ") of " + file + ": " + cause;
    }
  }

  private final Path path;

  public LossLedger(Path path) {
    this.path = path;
  }

  /** {@code <checkpoint>.losses}. */
  public static Path pathFor(Path checkpoint) {
    return Path.of(checkpoint + ".losses");
  }

  public Path path() {
    return path;
  }

  public void record(Loss loss) {
    byte[] line = (loss.toJson().encode() + "\n").getBytes(StandardCharsets.UTF_8);
    try (var ch = java.nio.channels.FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND)) {
      ch.write(java.nio.ByteBuffer.wrap(line));
      ch.force(false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot record a loss in " + path + " (" + SpoolPathChecks.reason(e) + ")", e);
    }
  }

  public List<Loss> list() {
    if (!Files.exists(path)) {
      return List.of();
    }
    List<Loss> out = new ArrayList<>();
    try {
      for (String l : Files.readAllLines(path)) {
        if (!l.isBlank()) {
          try {
            out.add(Loss.fromJson(new JsonObject(l)));
          } catch (RuntimeException e) {
            // a torn last record (crash while appending): the others still count
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path + " (" + SpoolPathChecks.reason(e) + ")", e);
    }
    return out;
  }

  /** Marks every loss acknowledged; returns how many were not yet. */
  public int ackAll() {
    List<Loss> all = list();
    int n = (int) all.stream().filter(l -> !l.acked()).count();
    if (n == 0) {
      return 0;
    }
    StringBuilder sb = new StringBuilder();
    all.forEach(l -> sb.append(new Loss(l.at(), l.file(), l.bytes(), l.lines(), l.cause(), true).toJson().encode())
        .append('\n'));
    try {
      AtomicFile.write(path, sb.toString().getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + path + " (" + SpoolPathChecks.reason(e) + ")", e);
    }
    return n;
  }

  /**
   * The status part: unacknowledged losses, their bytes, their lines where known ({@code linesUnknown}:
   * how many of the losses have no line count), and a one-line summary.
   */
  public JsonObject status() {
    List<Loss> open = list().stream().filter(l -> !l.acked()).toList();
    long bytes = open.stream().mapToLong(l -> Math.max(0, l.bytes())).sum();
    long lines = open.stream().mapToLong(l -> Math.max(0, l.lines())).sum();
    long linesUnknown = open.stream().filter(l -> l.lines() < 0).count();
    JsonObject json = new JsonObject().put("file", path.toString()).put("unacknowledged", open.size())
        .put("bytes", bytes).put("lines", lines).put("linesUnknown", linesUnknown);
    if (!open.isEmpty()) {
      json.put("summary", open.size() + " loss(es) of spool data not acknowledged, " + bytes + " bytes, "
          + linesText(open.size(), lines, linesUnknown) + "; last: " + open.get(open.size() - 1).describe());
    }
    return json;
  }

  /** "N lines", "lines unknown", or "at least N lines (M of the losses unknown)": never an invented count. */
  public static String linesText(long losses, long lines, long linesUnknown) {
    if (linesUnknown == 0) {
      return lines + " lines";
    }
    return linesUnknown == losses ? "lines unknown"
        : "at least " + lines + " lines (" + linesUnknown + " of the losses with an unknown number of lines)";
  }
}
