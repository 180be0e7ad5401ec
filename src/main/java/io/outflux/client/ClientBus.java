package io.outflux.client;

import io.outflux.batch.Batch;
import io.outflux.batch.Progress;
import io.outflux.batch.RejectedLines;
import io.outflux.bus.LocalCodec;
import io.outflux.spool.Checkpoint;
import io.outflux.spool.SpoolChunk;
import io.outflux.transport.Delivery;
import io.outflux.transport.TransportProblem;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import java.util.concurrent.TimeUnit;

/**
 * Every event-bus address of the client pipeline, with the message type each carries:
 * <pre>
 *   tail --LINES(SpoolChunk)--> batch --BATCHES(Batch)--> transport (the empty reply: taken over)
 *   tail <--ACKED(Checkpoint)-- batch <--DELIVERED(Delivery)-- transport
 *   tail --CATCH_UP(Checkpoint.CatchUp)--> batch, before the first chunk of a newest-first catch-up
 *                               batch <--TRANSPORT_PROBLEM-- transport
 *   anyone --FLUSH(JsonObject)--> batch, reply JsonObject once the server acknowledged everything
 *   tail --DEAD_LETTER(DeadLetters)--> dead-letter owner: quarantined lines (reply: appended); DeadLetters.SYNC
 *                                       before each checkpoint save (reply: fsynced)
 *   batch --DEAD_LETTER(RejectedLines)--> dead-letter owner (lines InfluxDB refused for good, published)
 *   batch --LINK_OVERRIDE(Boolean)--> transport (a forced flush ignores the transfer windows)
 *   batch --RETRY_CREDENTIALS--> transport (a flush tries refused credentials again at once)
 *   admin --STATUS_SPOOL / STATUS_DEAD_LETTER / STATUS_BATCH / STATUS_TRANSPORT / STATUS_AUDIT--> each stage
 *                                       answers its part (JsonObject)
 *   batch --PROGRESS(Progress)--> transport (a streaming client reports it to the server)
 * </pre>
 */
public final class ClientBus {

  /** request {@link SpoolChunk}; the (empty) reply means "send more": the tail's backpressure. */
  public static final String LINES = "outflux.client.lines";
  /**
   * request {@link Batch} with {@link #HANDOVER}; the empty reply says the transport took it over
   * (a batch handed over twice is sent once). The outcome comes later on {@link #DELIVERED}.
   */
  public static final String BATCHES = "outflux.client.batches";
  /**
   * send {@link Delivery}: the server acknowledged a batch, or (a {@link Delivery#tooLarge()} reason)
   * refused it as larger than its body limit, for the batcher to split.
   */
  public static final String DELIVERED = "outflux.client.delivered";
  /** publish {@link Checkpoint}: the contiguous acknowledged prefix grew; the tail persists it. */
  public static final String ACKED = "outflux.client.acked";
  /**
   * request (a {@code JsonObject}, see {@link io.outflux.batch.FlushRequest}): send everything in the
   * spool now; the reply ({@code {"lines":N,...}}) comes once the server acknowledged all of it, a
   * failure (code 504 timeout, 503 blocked) says why not.
   */
  public static final String FLUSH = "outflux.client.flush";
  /** publish (no body): a flush is waiting, the tail should look for new lines now rather than at its next poll. */
  public static final String READ_NOW = "outflux.client.read-now";
  /**
   * The dead-letter file's owner ({@link io.outflux.deadletter.DeadLetterVerticle}), one consumer for
   * everyone: publish {@link RejectedLines} (lines the server reported InfluxDB refused for good), or
   * request {@link io.outflux.spool.DeadLetters} (append; with {@code sync} also fsync), answered once
   * done. Handled in order: a sync answered means everything sent before it is on disk.
   */
  public static final String DEAD_LETTER = "outflux.client.dead-letter";
  /** request (no body), reply {@code JsonObject}: the dead-letter file, its records, those of this run. */
  public static final String STATUS_DEAD_LETTER = "outflux.client.status.dead-letter";
  /**
   * request {@link io.outflux.spool.Checkpoint.CatchUp}: the tail split the spool for a newest-first
   * catch-up (sent before the first chunk of either segment); the reply says the batcher has set up
   * its history and live lanes.
   */
  public static final String CATCH_UP = "outflux.client.catch-up";
  /** publish {@link TransportProblem}: a send attempt failed (why, and whether sending stopped). */
  public static final String TRANSPORT_PROBLEM = "outflux.client.transport-problem";

  /**
   * publish (no body): a flush arrived while sending is paused on refused credentials: try them
   * again now instead of at the next {@code transport.authRetryInterval} (the operator may just have
   * fixed the grant centrally).
   */
  public static final String RETRY_CREDENTIALS = "outflux.client.retry-credentials";

  /**
   * request (no body), reply (empty) once sent or given up: the client stops gracefully; the
   * transport tells the server, so the fleet view shows it "stopped" rather than silent.
   */
  public static final String GOODBYE = "outflux.client.goodbye";

  /** publish {@code Boolean}: true while a forced flush runs (transfer windows and interface ignored), then false. */
  public static final String LINK_OVERRIDE = "outflux.client.link-override";
  /** request (no body), reply {@code JsonObject}: the tail's part of the status (spool, dead letters). */
  public static final String STATUS_SPOOL = "outflux.client.status.spool";
  /** request (no body), reply {@code JsonObject}: the batcher's part (rule, backlog, lag, acks). */
  public static final String STATUS_BATCH = "outflux.client.status.batch";
  /** request (no body), reply {@code JsonObject}: the transport's part (server, connection, metered link). */
  public static final String STATUS_TRANSPORT = "outflux.client.status.transport";
  /** publish {@link Progress}, about once a second: backlog and lag, for the server's fleet view. */
  /** request (any body), reply {@code JsonObject}: the audit's state (only when {@code audit.enabled}). */
  public static final String STATUS_AUDIT = "outflux.client.status.audit";
  public static final String PROGRESS = "outflux.client.progress";

  /**
   * Replies in the pipeline wait on backpressure or on a server that may be down for hours: an
   * event-bus timeout would only make the sender resend what is already queued.
   */
  public static final DeliveryOptions UNBOUNDED_WAIT =
      new DeliveryOptions().setSendTimeout(TimeUnit.DAYS.toMillis(3650)).setLocalOnly(true);

  /**
   * The hand-over of a batch to the transport: it answers at once, so a missing answer means the
   * transport is not there (yet) or its event loop is stuck; the batcher tries again.
   */
  public static final DeliveryOptions HANDOVER = new DeliveryOptions().setSendTimeout(5_000).setLocalOnly(true);
  /**
   * An append to or fsync of the dead-letter file: a local disk write. No answer in this time (a disk
   * hanging, the owner gone): the read step is tried again, or the checkpoint save fails and is retried.
   */
  public static final DeliveryOptions DEAD_LETTER_WAIT = new DeliveryOptions().setSendTimeout(60_000).setLocalOnly(true);
  /** One-way messages inside the client (no reply, so no wait). */
  public static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private ClientBus() {
  }

  public static void registerCodecs(Vertx vertx) {
    LocalCodec.register(vertx, SpoolChunk.class);
    LocalCodec.register(vertx, Batch.class);
    LocalCodec.register(vertx, Delivery.class);
    LocalCodec.register(vertx, Checkpoint.class);
    LocalCodec.register(vertx, Checkpoint.CatchUp.class);
    LocalCodec.register(vertx, RejectedLines.class);
    LocalCodec.register(vertx, io.outflux.spool.DeadLetters.class);
    LocalCodec.register(vertx, TransportProblem.class);
    LocalCodec.register(vertx, Progress.class);
  }
}
