package io.outflux.server;

import io.outflux.bus.LocalCodec;
import io.outflux.ingest.AuthRequest;
import io.outflux.ingest.AuthResult;
import io.outflux.ingest.WriteRequest;
import io.outflux.ingest.WriteResult;
import io.outflux.protocol.Credentials;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;

/**
 * Every event-bus address of a server node, with the message type each carries:
 * <pre>
 *   front --AUTHENTICATE(AuthRequest)--> ingest, reply AuthResult
 *   front --WRITE(WriteRequest)--------> ingest, reply WriteResult
 * </pre>
 * Both are node-local: a batch is written by the node that received it.
 *
 * <p>Flush, cluster-wide and per node:
 * <pre>
 *   anyone --FLUSH_ALL(JsonObject {"replyTo": address, "answerWithinMs": ms}, both optional)--> every node
 *          (clustered, publish); each node asks its clients (control channels, else streams), waits up
 *          to answerWithinMs for their answers and, if replyTo is set, sends {"node": id, "clientsAsked": n,
 *          "clientsAnswered": a, "linesSent": l, "clientsFailed": f} to replyTo
 *   node   --STREAM_FLUSH(JsonObject {})--> this node's WebSocket stream handler (local),
 *          reply Integer: how many connected streaming clients it asked to flush
 * </pre>
 *
 * <p>Stopping: {@code stop hook --DRAIN(JsonObject {})--> front (local), reply JsonObject}.
 */
public final class ServerBus {

  public static final String AUTHENTICATE = "outflux.server.authenticate";
  public static final String WRITE = "outflux.server.write";
  /** Clustered: publish here to make every node ask its streaming clients to flush. */
  public static final String FLUSH_ALL = "outflux.server.flush-all";
  /** Optional in a {@link #FLUSH_ALL} message: how long each node waits for its clients' answers (ms). */
  public static final String FLUSH_ANSWER_WITHIN_MS = "answerWithinMs";
  /** Node-local: the stream handler asks its connected clients to flush, replies with their number. */
  public static final String STREAM_FLUSH = "outflux.server.stream.flush";
  /**
   * Node-local, sent by the launcher's stop hook: the front stops accepting, finishes what is in
   * flight (bounded by {@code http.drainTimeout}) and replies a JsonObject
   * {@code {"streams": n, "millis": t, "complete": bool}}.
   */
  public static final String DRAIN = "outflux.server.drain";

  public static DeliveryOptions local(long timeoutMs) {
    return new DeliveryOptions().setLocalOnly(true).setSendTimeout(timeoutMs);
  }

  private ServerBus() {
  }

  public static void registerCodecs(Vertx vertx) {
    LocalCodec.registerSealed(vertx, Credentials.class);
    LocalCodec.register(vertx, WriteRequest.class);
    LocalCodec.register(vertx, AuthRequest.class);
    LocalCodec.registerSealed(vertx, WriteResult.class);
    LocalCodec.registerSealed(vertx, AuthResult.class);
  }
}
