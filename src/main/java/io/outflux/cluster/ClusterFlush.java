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
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cluster-wide flush. Every node listens on the clustered address {@link ServerBus#FLUSH_ALL};
 * a message published there (by {@code POST /api/v1/flush} on any node, or by any program on the
 * cluster's event bus, e.g. {@code io.outflux.examples.FlushPublisher}) makes each node ask its own
 * clients to flush: those with a control channel over it (they answer with the lines they sent),
 * streaming clients without one over their stream, through the node-local address
 * {@link ServerBus#STREAM_FLUSH}. If the message names a {@code replyTo} address, each node sends
 * its {@link FlushTally} there once its clients answered or {@code answerWithinMs} passed;
 * {@link #flushAll()} sums them.
 */
public final class ClusterFlush {

  private static final Logger log = LoggerFactory.getLogger(ClusterFlush.class);

  private final Vertx vertx;
  private final String node;
  private final Duration timeout;
  private final LongFunction<Future<FlushTally>> controlFlush;
  private MessageConsumer<Object> consumer;

  /**
   * @param controlFlush asks this node's control channels to flush, waiting the given milliseconds
   *     for their answers
   */
  public ClusterFlush(Vertx vertx, String node, Duration timeout, LongFunction<Future<FlushTally>> controlFlush) {
    this.vertx = vertx;
    this.node = node;
    this.timeout = timeout;
    this.controlFlush = controlFlush;
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
    JsonObject body = msg.body() instanceof JsonObject json ? json : new JsonObject();
    String replyTo = body.getString("replyTo");
    long answerWithin = Math.max(0, Math.min(body.getLong(ServerBus.FLUSH_ANSWER_WITHIN_MS, 0L),
        Duration.ofMinutes(5).toMillis()));
    flushLocalClients(answerWithin).onComplete(ar -> {
      FlushTally tally = ar.succeeded() ? ar.result() : FlushTally.NONE;
      log.info("cluster-wide flush: asked {} client(s) on node {}, {} answered, {} lines sent", tally.asked(), node,
          tally.answered(), tally.lines());
      if (replyTo != null) {
        vertx.eventBus().send(replyTo, tally.toJson().put("node", node));
      }
    });
  }

  /** Asks this node's clients to flush, waiting up to {@code answerWithinMs} for their answers. */
  public Future<FlushTally> flushLocalClients(long answerWithinMs) {
    Future<FlushTally> control = controlFlush.apply(answerWithinMs)
        .otherwise(err -> {
          log.warn("control channels of node {} could not be asked to flush: {}", node, err.toString());
          return FlushTally.NONE;
        });
    Future<FlushTally> streams = vertx.eventBus().<Integer>request(ServerBus.STREAM_FLUSH, new JsonObject(),
            new DeliveryOptions().setLocalOnly(true).setSendTimeout(timeout.toMillis()))
        .map(m -> FlushTally.askedOnly(m.body()))
        .recover(err -> {
          if (!(err instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS)) {
            log.warn("streaming clients of node {} could not be asked to flush: {}", node, err.toString());
          }
          return Future.succeededFuture(FlushTally.NONE);
        });
    return Future.all(control, streams).map(v -> control.result().plus(streams.result()));
  }

  /**
   * Publishes a flush to every node and gathers their counts, until every server node answered or
   * the timeout passed. The answer: {@code {"clientsAsked":N,"clientsAnswered":A,"linesSent":L,
   * "clientsFailed":F,"nodesAnswered":K,"nodesInCluster":M,"nodes":[{"node":..,"clientsAsked":..,..}]}}.
   */
  public Future<JsonObject> flushAll() {
    int expected = nodeCount();
    String replyTo = ServerBus.FLUSH_ALL + ".reply." + UUID.randomUUID();
    JsonArray nodes = new JsonArray();
    Promise<JsonObject> done = Promise.promise();
    MessageConsumer<JsonObject> replies = vertx.eventBus().consumer(replyTo);
    Runnable finish = () -> {
      List<FlushTally> parts = new ArrayList<>();
      for (int i = 0; i < nodes.size(); i++) {
        parts.add(FlushTally.fromJson(nodes.getJsonObject(i)));
      }
      done.tryComplete(FlushTally.sum(parts).toJson().put("nodesAnswered", nodes.size())
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
          vertx.eventBus().publish(ServerBus.FLUSH_ALL, request(replyTo, answerWithin(timeout)));
          return done.future();
        })
        .eventually(replies::unregister);
  }

  /** The message to publish on {@link ServerBus#FLUSH_ALL}. */
  public static JsonObject request(String replyTo, Duration answerWithin) {
    return new JsonObject().put("replyTo", replyTo).put(ServerBus.FLUSH_ANSWER_WITHIN_MS, answerWithin.toMillis());
  }

  /** How long nodes wait for their clients: long enough for a small flush, short enough to answer in time. */
  public static Duration answerWithin(Duration timeout) {
    return timeout.multipliedBy(3).dividedBy(4);
  }

  private int nodeCount() {
    return Math.max(1, ClusterMembers.servers(vertx).orElse(1));
  }
}
