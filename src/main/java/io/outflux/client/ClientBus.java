package io.outflux.client;

import io.outflux.batch.Batch;
import io.outflux.batch.RejectedLines;
import io.outflux.bus.LocalCodec;
import io.outflux.spool.Checkpoint;
import io.outflux.spool.SpoolChunk;
import io.outflux.transport.Delivery;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import java.util.concurrent.TimeUnit;

/**
 * Every event-bus address of the client pipeline, with the message type each carries:
 * <pre>
 *   tail --LINES(SpoolChunk)--> batch --BATCHES(Batch)--> transport
 *   tail <--ACKED(Checkpoint)-- batch <--reply(Delivery)-- transport
 *   batch --DEAD_LETTER(RejectedLines)--> dead-letter file (lines InfluxDB refused for good)
 * </pre>
 */
public final class ClientBus {

  /** request {@link SpoolChunk}; the (empty) reply means "send more": the tail's backpressure. */
  public static final String LINES = "outflux.client.lines";
  /** request {@link Batch}; replied with a {@link Delivery} once the server acknowledged it. */
  public static final String BATCHES = "outflux.client.batches";
  /** publish {@link Checkpoint}: the contiguous acknowledged prefix grew; the tail persists it. */
  public static final String ACKED = "outflux.client.acked";
  /** publish (no body): a flush is waiting, the tail should look for new lines now rather than at its next poll. */
  public static final String READ_NOW = "outflux.client.read-now";
  /** publish {@link RejectedLines}: lines the server reported InfluxDB refused for good. */
  public static final String DEAD_LETTER = "outflux.client.dead-letter";

  /**
   * Replies in the pipeline wait on backpressure or on a server that may be down for hours: an
   * event-bus timeout would only make the sender resend what is already queued.
   */
  public static final DeliveryOptions UNBOUNDED_WAIT =
      new DeliveryOptions().setSendTimeout(TimeUnit.DAYS.toMillis(3650)).setLocalOnly(true);

  private ClientBus() {
  }

  public static void registerCodecs(Vertx vertx) {
    LocalCodec.register(vertx, SpoolChunk.class);
    LocalCodec.register(vertx, Batch.class);
    LocalCodec.register(vertx, Delivery.class);
    LocalCodec.register(vertx, Checkpoint.class);
    LocalCodec.register(vertx, RejectedLines.class);
  }
}
