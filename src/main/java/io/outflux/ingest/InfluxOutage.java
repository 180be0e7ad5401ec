package io.outflux.ingest;

import io.outflux.metrics.Human;
import io.outflux.protocol.LogSafe;
import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Whether the node's InfluxDB is reachable, as its answers show, told as state changes only: the
 * first batch refused because InfluxDB cannot be reached (or answers "try later") opens an outage,
 * the first answer after it closes it with its length and the number of batches refused meanwhile.
 * A batch refused during an outage is counted, not logged. Confined to one thread (the writer's
 * event loop); the clock (nanoseconds) is injected.
 */
public final class InfluxOutage {

  /** A change of state worth one log line. */
  public sealed interface Change {
    String message();
  }

  /** InfluxDB stopped answering: the first refused batch's reason. */
  public record Began(String message) implements Change {
  }

  /** InfluxDB answers again. */
  public record Ended(String message, Duration lasted, long refused) implements Change {
  }

  private final String target;
  private final LongSupplier nanos;
  private boolean down;
  private long since;
  private long refused;

  public InfluxOutage(String target, LongSupplier nanos) {
    this.target = target;
    this.nanos = nanos;
  }

  /** A batch (or a credential check) was refused because InfluxDB is unavailable. */
  public Optional<Change> unavailable(String reason, boolean batch) {
    if (batch) {
      refused++;
    }
    if (down) {
      return Optional.empty();
    }
    down = true;
    since = nanos.getAsLong();
    return Optional.of(new Began("InfluxDB at " + target + " is unavailable (" + LogSafe.of(reason)
        + "): batches are refused and their clients retry until it is back"));
  }

  /** InfluxDB answered (whatever it said: stored, refused a line, refused the credentials). */
  public Optional<Change> answered() {
    if (!down) {
      return Optional.empty();
    }
    Duration lasted = Duration.ofNanos(nanos.getAsLong() - since);
    long count = refused;
    down = false;
    refused = 0;
    return Optional.of(new Ended("InfluxDB at " + target + " answers again after " + Human.duration(lasted) + "; "
        + count + " batch(es) refused meanwhile", lasted, count));
  }

  public boolean down() {
    return down;
  }

  /** Batches refused since the outage began (0 when InfluxDB answers). */
  public long refused() {
    return refused;
  }
}
