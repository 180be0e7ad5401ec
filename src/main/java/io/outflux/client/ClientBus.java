package io.outflux.client;

import io.outflux.batch.Batch;
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
 *   tail <--REJECTED(Delivery)-- batch      (lines InfluxDB refused: dead-lettered)
 * </pre>
 */
public final class ClientBus {

  /** request {@link SpoolChunk}; the (empty) reply means "send more": the tail's backpressure. */
  public static final String LINES = "outflux.client.lines";
  /** request {@link Batch}; replied with a {@link Delivery} once the server acknowledged it. */
  public static final String BATCHES = "outflux.client.batches";
  /** publish {@link Checkpoint}: the contiguous acknowledged prefix grew; the tail persists it. */
  public static final String ACKED = "outflux.client.acked";
  /**
   * publish {@link Delivery} that lists lines InfluxDB refused for good; the tail dead-letters
   * them. Published before the {@link #ACKED} that covers the batch, so the dead letters are
   * on disk before the checkpoint passes the lines.
   */
  public static final String REJECTED = "outflux.client.rejected";

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
  }
}
