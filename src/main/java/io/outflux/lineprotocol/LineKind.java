package io.outflux.lineprotocol;

/** What {@link LineScanner#scan} found on one line. */
public enum LineKind {
  /** A point the reference grammar accepts: pass it on. */
  POINT,
  /** A blank line or a {@code #} comment: nothing to send, nothing to dead-letter. */
  SKIP,
  /** A line the reference grammar rejects: dead-letter it with {@link LineInfo#reason()}. */
  ERROR
}
