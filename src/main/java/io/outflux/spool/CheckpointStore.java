package io.outflux.spool;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable checkpoint file: {@link CheckpointSlots#FILE_SIZE} bytes, preallocated once, holding two
 * checksummed slots that saves overwrite in turn, in place, each followed by an fsync
 * ({@link CheckpointSlots} has the layout). Overwriting allocated blocks needs no new ones, so a save
 * works on a full disk, which is when compaction must free space most. A torn write damages only the
 * slot being written: the other still holds the previous checkpoint.
 *
 * <p>A file of the earlier JSON formats is read and replaced by the slotted format at the first save
 * ({@link #prepare}). Blocking: call it from a worker ({@code executeBlocking}), never an event loop.
 */
public final class CheckpointStore {

  private static final Logger log = LoggerFactory.getLogger(CheckpointStore.class);
  /** Larger than any file this store writes: a bigger file is not a checkpoint. */
  private static final int MAX_READ = 64 * 1024;

  private final Path file;
  /** The generation of the newest slot on disk; -1 while the file is not (yet) in the slotted format. */
  private long generation = -1;

  public CheckpointStore(Path file) {
    this.file = file;
  }

  public Path file() {
    return file;
  }

  /** Thrown when no slot (and no earlier format) holds a readable checkpoint: the client must not guess. */
  public static final class DamagedException extends RuntimeException {
    public DamagedException(String message) {
      super(message);
    }
  }

  /** What the file holds: each slot's state, for {@link #load} and {@code outflux checkpoint inspect}. */
  public Inspection inspect() {
    byte[] bytes;
    try {
      bytes = read();
    } catch (NoSuchFileException e) {
      return Inspection.missing(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read checkpoint " + file + " (" + e.getMessage() + ")", e);
    }
    return CheckpointSlots.inspect(file, bytes);
  }

  /**
   * The newest readable checkpoint; {@link Checkpoint#EMPTY} when there is no file. One slot damaged:
   * the other one, with one WARN. Nothing readable: {@link DamagedException}, whose message names the
   * file, the damage and the command that recovers.
   */
  public Checkpoint load() {
    Inspection in = inspect();
    Checkpoint c = in.best().orElseThrow(() -> new DamagedException(in.damageLine()));
    in.warning().ifPresent(w -> log.warn(w));
    generation = in.legacy() || in.isMissing() ? -1 : in.generation();
    return c;
  }

  /**
   * Makes the file slotted now (a missing file or one of an earlier format), so that later saves never
   * need new disk blocks; a failure (e.g. a full disk) is left for the first save to retry.
   */
  public void prepare(Checkpoint current) {
    if (generation >= 0) {
      return;
    }
    try {
      save(current);
    } catch (UncheckedIOException e) {
      log.warn("could not preallocate the checkpoint file {} ({}); trying again at the first save", file,
          e.getMessage());
    }
  }

  public void save(Checkpoint checkpoint) {
    if (generation < 0 && Files.exists(file)) {
      try {
        Inspection in = inspect(); // another store (the client's start) may have made it slotted: continue it
        generation = in.legacy() ? -1 : in.generation();
      } catch (UncheckedIOException e) {
        generation = -1;
      }
    }
    try {
      if (generation < 0 || !Files.exists(file)) {
        writeNew(checkpoint);
      } else {
        writeSlot(checkpoint, generation + 1);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write checkpoint " + file + " (" + e.getMessage() + ")", e);
    }
  }

  /** Replaces whatever the file holds (damaged or not) by {@code checkpoint}: {@code outflux checkpoint reset}. */
  public void reset(Checkpoint checkpoint) {
    try {
      writeNew(checkpoint);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write checkpoint " + file + " (" + e.getMessage() + ")", e);
    }
  }

  /** A new file (temp file and rename: needs free blocks once): both slots hold the checkpoint. */
  private void writeNew(Checkpoint checkpoint) throws IOException {
    long g = Math.max(generation, 0) + 1;
    byte[] whole = new byte[CheckpointSlots.FILE_SIZE];
    byte[] a = CheckpointSlots.encode(checkpoint, g);
    byte[] b = CheckpointSlots.encode(checkpoint, g + 1);
    System.arraycopy(a, 0, whole, CheckpointSlots.slotOffset(g), a.length);
    System.arraycopy(b, 0, whole, CheckpointSlots.slotOffset(g + 1), b.length);
    AtomicFile.write(file, whole);
    generation = g + 1;
  }

  /** Overwrites the older slot in place and fsyncs: no new blocks. */
  private void writeSlot(Checkpoint checkpoint, long next) throws IOException {
    byte[] slot = CheckpointSlots.encode(checkpoint, next);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ByteBuffer buf = ByteBuffer.wrap(slot);
      long at = CheckpointSlots.slotOffset(next);
      while (buf.hasRemaining()) {
        at += ch.write(buf, at);
      }
      ch.force(false);
    }
    generation = next;
  }

  private byte[] read() throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      int size = (int) Math.min(ch.size(), MAX_READ);
      ByteBuffer buf = ByteBuffer.allocate(size);
      while (buf.hasRemaining() && ch.read(buf) > 0) {
        // read it all
      }
      byte[] out = new byte[buf.position()];
      buf.flip().get(out);
      return out;
    }
  }

  /** What a checkpoint file holds. */
  public record Inspection(Path file, long size, boolean legacy, Slot[] slots, Optional<Checkpoint> legacyCheckpoint,
                           String legacyProblem) {

    static Inspection missing(Path file) {
      return new Inspection(file, -1, false, new Slot[0], Optional.empty(), null);
    }

    public boolean isMissing() {
      return size < 0;
    }

    /** The checkpoint to use: the valid slot with the highest generation (or the legacy JSON). */
    public Optional<Checkpoint> best() {
      if (isMissing()) {
        return Optional.of(Checkpoint.EMPTY);
      }
      if (legacy) {
        return legacyCheckpoint;
      }
      Slot newest = newest();
      return newest == null ? Optional.empty() : Optional.of(newest.checkpoint());
    }

    public long generation() {
      Slot newest = newest();
      return newest == null ? -1 : newest.generation();
    }

    private Slot newest() {
      Slot best = null;
      for (Slot s : slots) {
        if (s.checkpoint() != null && (best == null || s.generation() > best.generation())) {
          best = s;
        }
      }
      return best;
    }

    /** One WARN when a slot is damaged but another is usable. */
    public Optional<String> warning() {
      Slot newest = newest();
      if (newest == null) {
        return Optional.empty();
      }
      for (Slot s : slots) {
        if (s.checkpoint() == null) {
          return Optional.of("checkpoint " + file + ": slot " + s.name() + " is damaged (" + s.problem() + "); using "
              + "slot " + newest.name() + " (generation " + newest.generation() + "); the next save rewrites the "
              + "damaged slot");
        }
      }
      return Optional.empty();
    }

    /** The one line for a checkpoint nothing can be read from. */
    public String damageLine() {
      String what;
      if (legacy) {
        what = legacyProblem;
      } else {
        StringBuilder sb = new StringBuilder();
        for (Slot s : slots) {
          sb.append(sb.length() == 0 ? "" : ", ").append("slot ").append(s.name()).append(": ").append(s.problem());
        }
        what = sb.toString();
      }
      return "checkpoint " + file + " is damaged (" + size + " bytes; " + what + "): run 'outflux checkpoint inspect' "
          + "to see it, then 'outflux checkpoint reset --from-start' (resends what is still in the spool; points "
          + "are idempotent) or 'outflux checkpoint reset --from-end' (skips what is in the spool now)";
    }
  }

  /**
   * One slot: the checkpoint it holds, or null and why not.
   *
   * @param name A or B
   */
  public record Slot(String name, long generation, Checkpoint checkpoint, String problem) {

    public JsonObject describe() {
      JsonObject json = new JsonObject().put("slot", name);
      if (checkpoint == null) {
        return json.put("valid", false).put("problem", problem);
      }
      return json.put("valid", true).put("generation", generation).put("checkpoint", checkpoint.toJson());
    }
  }
}
