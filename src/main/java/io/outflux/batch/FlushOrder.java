package io.outflux.batch;

import io.outflux.spool.SpoolPosition;
import java.time.Duration;

/**
 * A flush as the tail hands it down to the batcher ({@link io.outflux.client.ClientBus#FLUSH_BATCHES}):
 * the tail, which owns the spool, fixed the target when the flush arrived.
 *
 * @param target where the spool's complete lines ended when the flush arrived (lines not handed over yet included)
 * @param timeout how long the flush may take
 * @param force send outside the metered link's transfer windows
 */
public record FlushOrder(SpoolPosition target, Duration timeout, boolean force) {
}
