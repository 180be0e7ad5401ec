package io.outflux.spool;

/** In which order the client syncs a large backlog ({@code sync.catchUp}); docs/spool.md explains the trade-off. */
public enum CatchUpOrder {
  /** Every line in the order it was written: the backlog first, then new lines. */
  OLDEST_FIRST,
  /**
   * New lines first, the backlog behind them: the spool splits at its end into a live segment, read
   * and sent first, and a history segment from the checkpoint up to that boundary, which fills the
   * window slots live lines leave free.
   */
  NEWEST_FIRST;

  /** The spelling used in config files ({@code "newest-first"}). */
  public String configName() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }
}
