package io.outflux.server;

import io.outflux.cluster.FlushTally;
import io.outflux.protocol.ControlProtocol;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The control channels open on this node, whichever front instance holds them (one per node, in
 * {@link NodeGuards}). A flush asks each on its own event loop and gathers the answers that come
 * within the time given; a channel that closes or stays silent counts as asked, not answered.
 */
final class ControlRegistry {

  /** One open channel; {@code pending} is only touched on {@code context}. */
  static final class Channel {
    final String clientId;
    final String clientKey;
    final Context context;
    final ServerWebSocket ws;
    private final Map<String, Promise<JsonObject>> pending = new HashMap<>();

    Channel(String clientId, String clientKey, Context context, ServerWebSocket ws) {
      this.clientId = clientId;
      this.clientKey = clientKey;
      this.context = context;
      this.ws = ws;
    }

    /** On the channel's context: a flushed message came. */
    void answered(JsonObject json) {
      Promise<JsonObject> p = pending.remove(json.getString(ControlProtocol.ID, ""));
      if (p != null) {
        p.tryComplete(json);
      }
    }

    /** On the channel's context: it closed; nothing more will be answered. */
    void closed() {
      pending.values().forEach(p -> p.tryComplete(null));
      pending.clear();
    }

    private void ask(String id, long answerWithinMs, Promise<JsonObject> answer) {
      if (ws.isClosed()) {
        answer.tryComplete(null);
        return;
      }
      ws.writeTextMessage(ControlProtocol.flush(id).encode());
      if (answerWithinMs <= 0) {
        answer.tryComplete(null);
        return;
      }
      pending.put(id, answer);
      context.owner().setTimer(answerWithinMs, t -> {
        if (pending.remove(id) != null) {
          answer.tryComplete(null);
        }
      });
    }
  }

  private final Set<Channel> channels = ConcurrentHashMap.newKeySet();
  private final AtomicLong flushes = new AtomicLong();

  /** Adds a channel unless the node or the client holds too many already. */
  synchronized boolean add(Channel channel, int maxNode, int maxPerClient) {
    long sameClient = channels.stream().filter(c -> c.clientKey.equals(channel.clientKey)).count();
    if (channels.size() >= maxNode || sameClient >= maxPerClient) {
      return false;
    }
    channels.add(channel);
    return true;
  }

  void remove(Channel channel) {
    channels.remove(channel);
  }

  int size() {
    return channels.size();
  }

  /** Whether the client (principal and client id) holds a control channel on this node. */
  boolean has(String clientKey) {
    return channels.stream().anyMatch(c -> c.clientKey.equals(clientKey));
  }

  /**
   * Asks every channel to flush.
   *
   * @param answerWithinMs how long to wait for answers; 0: ask and do not wait
   */
  Future<FlushTally> flush(long answerWithinMs) {
    String prefix = "f-" + flushes.incrementAndGet() + "-" + Long.toHexString(System.nanoTime());
    List<Future<JsonObject>> answers = new ArrayList<>();
    int i = 0;
    for (Channel c : channels) {
      Promise<JsonObject> answer = Promise.promise();
      answers.add(answer.future());
      String id = prefix + "-" + (i++);
      c.context.runOnContext(v -> c.ask(id, answerWithinMs, answer));
    }
    return Future.join(answers).transform(ar -> {
      long answered = 0;
      long failed = 0;
      long lines = 0;
      for (Future<JsonObject> f : answers) {
        JsonObject json = f.succeeded() ? f.result() : null;
        if (json == null) {
          continue;
        }
        if (json.containsKey(ControlProtocol.ERROR)) {
          failed++;
        } else {
          answered++;
          lines += json.getLong(ControlProtocol.LINES, 0L);
        }
      }
      return Future.succeededFuture(new FlushTally(answers.size(), answered, lines, failed));
    });
  }
}
