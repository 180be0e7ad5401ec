package io.outflux.spool;

/** A byte offset in the spool file: everything before it has been read (or, for a checkpoint, synced). */
public record SpoolPosition(long offset) implements Comparable<SpoolPosition> {

  public static final SpoolPosition START = new SpoolPosition(0);

  @Override
  public int compareTo(SpoolPosition o) {
    return Long.compare(offset, o.offset);
  }
}
