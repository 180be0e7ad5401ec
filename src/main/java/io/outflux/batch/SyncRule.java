package io.outflux.batch;

/** When the client sends what it has read. */
public enum SyncRule {
  /** Send what accumulated at the end of every {@code sync.interval}. */
  INTERVAL
}
