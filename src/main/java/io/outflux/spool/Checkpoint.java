package io.outflux.spool;

import io.vertx.core.json.JsonObject;

/**
 * What the server has acknowledged: the spool position (file identity and offset) up to which
 * every line is stored centrally, and the sequence number of the last acknowledged batch (so
 * sequence numbers survive restarts). Files before {@code synced.file()} in rotation order are
 * wholly synced.
 *
 * <p>During a newest-first catch-up ({@code catchUp} not null) {@code synced} is the history
 * segment's acknowledged prefix, still the point before which everything is stored (compaction
 * never goes further); the live segment from the boundary is synced up to {@code catchUp.live()}.
 * The file format is in {@link CheckpointCodec}.
 *
 * <p>{@code seenSize}: the size of {@code synced.file()} as the tail last saw it (-1: unknown). When that
 * file is gone after a restart, the bytes between the synced offset and it are provably lost.
 */
public record Checkpoint(SpoolPosition synced, long lastAckedSeq, CatchUp catchUp, long seenSize) {

  public static final Checkpoint EMPTY = new Checkpoint(SpoolPosition.START, 0);

  /**
   * The two segments of a newest-first catch-up.
   *
   * @param boundary where the spool was split: history reads up to it, live from it
   * @param live the live segment's acknowledged prefix (the boundary until a live batch is acknowledged)
   */
  public record CatchUp(SpoolPosition boundary, SpoolPosition live) {
  }

  public Checkpoint(SpoolPosition synced, long lastAckedSeq) {
    this(synced, lastAckedSeq, null);
  }

  public Checkpoint(SpoolPosition synced, long lastAckedSeq, CatchUp catchUp) {
    this(synced, lastAckedSeq, catchUp, -1);
  }

  /** This checkpoint with the synced file's size as last seen. */
  public Checkpoint seen(long size) {
    return new Checkpoint(synced, lastAckedSeq, catchUp, size);
  }

  public JsonObject toJson() {
    return CheckpointCodec.encode(this);
  }

  /** Reads every format (see {@link CheckpointCodec}). */
  public static Checkpoint fromJson(JsonObject json) {
    return CheckpointCodec.decode(json);
  }
}
