package io.outflux.transport;

import java.time.Duration;

/**
 * A flush as the batcher hands it down to the transport ({@link io.outflux.client.ClientBus#FLUSH_SENDING}):
 * while it runs, a forced one opens the metered link's windows, and refused credentials are tried
 * again at once. The batcher sends the same id with {@code done} once the flush is answered.
 *
 * @param id the batcher's number for the flush
 * @param timeout how long the flush may take; the transport fails it (504, with the last problem) then
 * @param force ignore the transfer windows and link.interface while it runs
 * @param done the flush was answered: the transport ends its part (no reply expected)
 */
public record SendingFlush(long id, Duration timeout, boolean force, boolean done) {

  public static SendingFlush start(long id, Duration timeout, boolean force) {
    return new SendingFlush(id, timeout, force, false);
  }

  public SendingFlush finished() {
    return new SendingFlush(id, timeout, force, true);
  }
}
