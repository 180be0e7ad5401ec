package io.outflux.batch;

/** When the client sends what it has read. An on-demand flush works with every rule. */
public enum SyncRule {
  /** Over a WebSocket, each chunk of lines as soon as the tail has read it. */
  STREAMING,
  /** What accumulated, at the end of every {@code sync.interval} (nothing for an empty interval). */
  INTERVAL,
  /** As soon as {@code sync.sizeLines} lines or {@code sync.sizeBytes} bytes are waiting. */
  SIZE,
  /** Whichever of {@link #INTERVAL} and {@link #SIZE} comes first. */
  INTERVAL_SIZE;

  /** The spelling used in config files ({@code "interval-size"}). */
  public String configName() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }
}
