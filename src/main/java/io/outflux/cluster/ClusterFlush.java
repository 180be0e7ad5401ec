package io.outflux.cluster;

import io.outflux.server.ServerBus;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cluster-wide flush. Every node listens on the clustered address {@link ServerBus#FLUSH_ALL};
 * a message published there (by {@code POST /api/v1/flush} on any node, or by anyone on the
 * cluster's event bus) makes each node ask its own streaming clients to flush, through the
 * node-local address {@link ServerBus#STREAM_FLUSH} served by the WebSocket stream handler, which
 * replies with the number of clients it asked. If the message names a {@code replyTo} address,
 * each node sends its count there; {@link #flushAll()} sums them.
 */
public final class ClusterFlush {

  private static final Logger log = LoggerFactory.getLogger(ClusterFlush.class);

  private final Vertx vertx;
  private final String node;
  private final Duration timeout;
  private MessageConsumer<Object> consumer;

  public ClusterFlush(Vertx vertx, String node, Duration timeout) {
    this.vertx = vertx;
    this.node = node;
    this.timeout = timeout;
  }

  /** Starts answering cluster-wide flush requests on this node. */
  public Future<Void> start() {
    consumer = vertx.eventBus().consumer(ServerBus.FLUSH_ALL, this::onFlushAll);
    return consumer.completion();
  }

  public Future<Void> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  private void onFlushAll(Message<Object> msg) {
    String replyTo = msg.body() instanceof JsonObject json ? json.getString("replyTo") : null;
    flushLocalClients().onComplete(ar -> {
      int asked = ar.succeeded() ? ar.result() : 0;
      log.info("cluster-wide flush: asked {} streaming client(s) on node {}", asked, node);
      if (replyTo != null) {
        vertx.eventBus().send(replyTo, new JsonObject().put("node", node).put("clientsAsked", asked));
      }
    });
  }

  /** Asks the streaming clients connected to this node to flush; 0 when no stream handler runs. */
  public Future<Integer> flushLocalClients() {
    return vertx.eventBus().<Integer>request(ServerBus.STREAM_FLUSH, new JsonObject(),
            new DeliveryOptions().setLocalOnly(true).setSendTimeout(timeout.toMillis()))
        .map(Message::body)
        .recover(err -> {
          if (err instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS) {
            return Future.succeededFuture(0);
          }
          log.warn("streaming clients of node {} could not be asked to flush: {}", node, err.toString());
          return Future.succeededFuture(0);
        });
  }

  /**
   * Publishes a flush to every node and gathers their counts, until every known node answered or
   * the timeout passed. The answer: {@code {"clientsAsked":N,"nodesAnswered":K,"nodesInCluster":M,
   * "nodes":[{"node":..,"clientsAsked":..}]}}.
   */
  public Future<JsonObject> flushAll() {
    int expected = nodeCount();
    String replyTo = ServerBus.FLUSH_ALL + ".reply." + UUID.randomUUID();
    JsonArray nodes = new JsonArray();
    Promise<JsonObject> done = Promise.promise();
    MessageConsumer<JsonObject> replies = vertx.eventBus().consumer(replyTo);
    Runnable finish = () -> {
      long total = 0;
      for (int i = 0; i < nodes.size(); i++) {
        total += nodes.getJsonObject(i).getLong("clientsAsked", 0L);
      }
      done.tryComplete(new JsonObject().put("clientsAsked", total).put("nodesAnswered", nodes.size())
          .put("nodesInCluster", expected).put("nodes", nodes));
    };
    long timer = vertx.setTimer(timeout.toMillis(), t -> finish.run());
    replies.handler(msg -> {
      nodes.add(msg.body());
      if (nodes.size() >= expected) {
        vertx.cancelTimer(timer);
        finish.run();
      }
    });
    return replies.completion()
        .compose(v -> {
          vertx.eventBus().publish(ServerBus.FLUSH_ALL, new JsonObject().put("replyTo", replyTo));
          return done.future();
        })
        .eventually(replies::unregister);
  }

  private int nodeCount() {
    return Math.max(1, ClusterMembers.count(vertx).orElse(1));
  }
}
