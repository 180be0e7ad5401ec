package io.outflux.server;

import io.outflux.bus.LocalCodec;
import io.outflux.ingest.AuthResult;
import io.outflux.ingest.WriteRequest;
import io.outflux.ingest.WriteResult;
import io.outflux.protocol.Credentials;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;

/**
 * Every event-bus address of a server node, with the message type each carries:
 * <pre>
 *   front --AUTHENTICATE(Credentials)--> ingest, reply AuthResult
 *   front --WRITE(WriteRequest)--------> ingest, reply WriteResult
 * </pre>
 * Both are node-local: a batch is written by the node that received it.
 */
public final class ServerBus {

  public static final String AUTHENTICATE = "outflux.server.authenticate";
  public static final String WRITE = "outflux.server.write";
  /**
   * publish a {@code JsonObject} ({@code {}} for all, {@code {"clientId":"edge-01"}} for one): every
   * streaming client connected to a node that receives it is sent a flush control message. Not
   * node-local: on a cluster, one publish reaches the streaming clients of every node.
   */
  public static final String FLUSH_STREAMS = "outflux.server.flush-streams";

  public static DeliveryOptions local(long timeoutMs) {
    return new DeliveryOptions().setLocalOnly(true).setSendTimeout(timeoutMs);
  }

  private ServerBus() {
  }

  public static void registerCodecs(Vertx vertx) {
    LocalCodec.registerSealed(vertx, Credentials.class);
    LocalCodec.register(vertx, WriteRequest.class);
    LocalCodec.registerSealed(vertx, WriteResult.class);
    LocalCodec.registerSealed(vertx, AuthResult.class);
  }
}
