package io.outflux.transport;

import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The batches the transport took over, and those it settled lately. The batcher hands a batch over
 * again when an answer did not come in time ({@link io.outflux.client.ClientBus#HANDOVER}); such a
 * late hand-over may arrive while the batch is on its way (it is not sent twice) or just after it was
 * settled, its outcome crossing the hand-over on the bus (it is not sent again: the batcher drops a
 * second outcome, so a second send would only load the server). Event-loop confined; pure.
 */
final class TakenBatches {

  /** How many settled batches are remembered: far more than can be in flight ({@code sync.maxInFlight}). */
  static final int SETTLED_REMEMBERED = 4096;

  private final Set<Long> inFlight = new HashSet<>();
  private final LinkedHashSet<Long> settled = new LinkedHashSet<>();

  /** @return whether the batch is new here and is to be sent (false: on its way or settled already) */
  boolean take(long seq) {
    return !settled.contains(seq) && inFlight.add(seq);
  }

  void settled(long seq) {
    inFlight.remove(seq);
    settled.add(seq);
    if (settled.size() > SETTLED_REMEMBERED) {
      settled.remove(settled.iterator().next());
    }
  }
}
