package io.outflux.client;

import io.outflux.batch.Batch;
import io.outflux.batch.Progress;
import io.outflux.batch.RejectedLines;
import io.outflux.bus.LocalCodec;
import io.outflux.spool.Checkpoint;
import io.outflux.spool.SpoolChunk;
import io.outflux.transport.Delivery;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;

/**
 * Every event-bus address of the client pipeline, with the message type each carries. Lines and
 * control flow one way, tail -> batch -> transport; what comes back is a reply, the {@link #ACKED}
 * publication or the transport's {@link #DELIVERED} outcome of a batch it was handed:
 * <pre>
 *   anyone --FLUSH(JsonObject)--> tail          the one entry of a flush (admin, shutdown hook, server)
 *   tail --LINES(SpoolChunk)--> batch           reply: taken (the tail's backpressure)
 *   tail --CATCH_UP(Checkpoint.CatchUp)--> batch, before the first chunk of a newest-first catch-up
 *   tail --SPOOL_END(SpoolPosition)--> batch    publish, once a second: where the complete lines end (backlog)
 *   tail --FLUSH_BATCHES(FlushOrder)--> batch   reply once the server acknowledged up to the order's target
 *   batch --BATCHES(Batch)--> transport         reply: taken over
 *   batch --FLUSH_SENDING(SendingFlush)--> transport  a flush runs (forced: windows ignored); reply when it
 *                                               ends or fails (link closed, credentials refused, timeout)
 *   batch --PROGRESS(Progress)--> transport     publish: backlog and lag, for the server's fleet view
 *   tail --DEAD_LETTER(DeadLetters)--> dead-letter owner  quarantined lines (reply: appended); DeadLetters.SYNC
 *                                               before each checkpoint save (reply: fsynced)
 *   batch --DEAD_LETTER(RejectedLines)--> dead-letter owner  lines InfluxDB refused for good, or every line
 *                                               of a batch refused for good (told once); reply: appended (the
 *                                               file's path); the checkpoint moves past them only then
 *   transport --DELIVERED(Delivery)--> batch    the outcome of a batch taken over (ack, too large, or
 *                                               refused for good)
 *   batch --ACKED(Checkpoint)--> tail           publish: the acknowledged prefix grew; the tail persists it
 *   admin --STATUS_SPOOL / STATUS_DEAD_LETTER / STATUS_BATCH / STATUS_TRANSPORT / STATUS_AUDIT--> each
 *                                               stage answers its part
 * </pre>
 * Every request has a send timeout matching what it waits for, and a defined result when it fires
 * (the constants below say which).
 */
public final class ClientBus {

  /**
   * request {@link SpoolChunk}; the (empty) reply means "taken, send more": the tail's backpressure.
   * The batcher holds a chunk while its lane is full (until a window slot frees, so possibly as long
   * as the server is away); the tail asks again every {@link #LINES_WAIT} and the batcher takes a
   * chunk it holds or took already only once.
   */
  public static final String LINES = "outflux.client.lines";
  /**
   * request {@link Batch} with {@link #HANDOVER}; the empty reply says the transport took it over
   * (a batch handed over twice is sent once). The outcome comes later on {@link #DELIVERED}.
   */
  public static final String BATCHES = "outflux.client.batches";
  /**
   * send {@link Delivery}: the server acknowledged a batch, or (a {@link Delivery#tooLarge()} reason)
   * refused it as larger than its body limit, for the batcher to split, or (a
   * {@link Delivery#refused()} reason) refused it for good: its lines go to the dead-letter file.
   */
  public static final String DELIVERED = "outflux.client.delivered";
  /** publish {@link Checkpoint}: the contiguous acknowledged prefix grew; the tail persists it. */
  public static final String ACKED = "outflux.client.acked";
  /**
   * request (a {@code JsonObject}, see {@link io.outflux.batch.FlushRequest}), to the tail: send
   * everything in the spool now; the reply ({@code {"lines":N,...}}) comes once the server
   * acknowledged all of it, a failure (code 504 timeout, 503 blocked, 409 link closed) says why not.
   * The one entry of a flush: the tail fixes the target and passes it down.
   */
  public static final String FLUSH = "outflux.client.flush";
  /**
   * request {@link io.outflux.batch.FlushOrder}, tail to batcher: send everything up to the order's
   * target at once; replied like {@link #FLUSH} (the tail relays the answer).
   */
  public static final String FLUSH_BATCHES = "outflux.client.flush.batches";
  /**
   * request {@link io.outflux.transport.SendingFlush}, batcher to transport: a flush runs (a forced one
   * opens the metered link's windows for its duration; refused credentials are tried again at once).
   * The transport answers when the batcher says the flush is done (the same message with
   * {@code done}), or fails it: 409 the link stays closed beyond the timeout, 503 credentials
   * refused, 504 its timeout passed (the message names the last problem).
   */
  public static final String FLUSH_SENDING = "outflux.client.flush.sending";
  /**
   * publish {@link io.outflux.spool.SpoolPosition}, tail to batcher, about once a second: where the
   * spool's complete lines end (for the backlog of lines not read yet), so that no other stage reads spool files.
   */
  public static final String SPOOL_END = "outflux.client.spool-end";
  /**
   * The dead-letter file's owner ({@link io.outflux.deadletter.DeadLetterVerticle}), one consumer for
   * everyone: request {@link RejectedLines} (lines the server reported InfluxDB refused for good, or
   * every line of a batch refused for good, reported once for the batch; answered with the file's path
   * once appended), or request {@link io.outflux.spool.DeadLetters} (append; with {@code sync} also fsync), answered once
   * done. Handled in order: a sync answered means everything sent before it is on disk. Only the owner
   * may consume it (a second consumer would take some of the requests).
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

  /**
   * request (no body), reply (empty) once sent or given up: the client stops gracefully; the
   * transport tells the server, so the fleet view shows it "stopped" rather than silent.
   */
  public static final String GOODBYE = "outflux.client.goodbye";

  /** request (no body), reply {@code JsonObject}: the tail's part of the status (spool, dead letters). */
  public static final String STATUS_SPOOL = "outflux.client.status.spool";
  /** request (no body), reply {@code JsonObject}: the batcher's part (rule, backlog, lag, acks). */
  public static final String STATUS_BATCH = "outflux.client.status.batch";
  /** request (no body), reply {@code JsonObject}: the transport's part (server, connection, metered link). */
  public static final String STATUS_TRANSPORT = "outflux.client.status.transport";
  /** request (any body), reply {@code JsonObject}: the audit's state (only when {@code audit.enabled}). */
  public static final String STATUS_AUDIT = "outflux.client.status.audit";
  /** publish {@link Progress}, about once a second: backlog and lag, for the server's fleet view and the audit. */
  public static final String PROGRESS = "outflux.client.progress";

  /**
   * How long the tail waits for {@link #LINES} to be taken before it asks again. The batcher answers
   * at once when it has room; it holds the chunk while a full batch waits for a window slot, which
   * lasts as long as the server takes to acknowledge. Asking again is harmless (a chunk is taken
   * once); no handler at all is logged and retried.
   */
  public static final DeliveryOptions LINES_WAIT = new DeliveryOptions().setSendTimeout(30_000).setLocalOnly(true);
  /**
   * The hand-over of a batch to the transport: it answers at once, so a missing answer means the
   * transport is not there (yet) or its event loop is stuck; the batcher tries again.
   */
  public static final DeliveryOptions HANDOVER = new DeliveryOptions().setSendTimeout(5_000).setLocalOnly(true);
  /**
   * An append to or fsync of the dead-letter file: a local disk write. No answer in this time (a disk
   * hanging, the owner gone): the read step is tried again, the checkpoint save fails and is retried,
   * or the batcher asks again with the refused lines (the checkpoint waits before them).
   */
  public static final DeliveryOptions DEAD_LETTER_WAIT = new DeliveryOptions().setSendTimeout(60_000).setLocalOnly(true);
  /**
   * The batcher answers {@link #CATCH_UP} at once; without an answer within this the tail asks
   * again (logged): the answer may be on its way, and the same split twice changes nothing. Only
   * no batcher at all (stopping) sends the tail on in order.
   */
  public static final DeliveryOptions CATCH_UP_WAIT = new DeliveryOptions().setSendTimeout(30_000).setLocalOnly(true);
  /** A flush's hand-down waits at most its own timeout plus this for the stage below to answer. */
  public static final long FLUSH_MARGIN_MS = 5_000;
  /** One-way messages inside the client (no reply, so no wait). */
  public static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  /** The options of a flush hand-down whose own timeout is {@code timeout}: bounded a little later. */
  public static DeliveryOptions flushWait(java.time.Duration timeout) {
    return new DeliveryOptions().setLocalOnly(true).setSendTimeout(timeout.toMillis() + FLUSH_MARGIN_MS);
  }

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
    LocalCodec.register(vertx, io.outflux.batch.FlushOrder.class);
    LocalCodec.register(vertx, io.outflux.transport.SendingFlush.class);
    LocalCodec.register(vertx, io.outflux.spool.SpoolPosition.class);
    LocalCodec.register(vertx, Progress.class);
  }
}
