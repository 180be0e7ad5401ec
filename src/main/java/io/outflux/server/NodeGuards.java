package io.outflux.server;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.Shareable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The limits and counters that hold for a whole node, however many front instances Vert.x runs in
 * it: the password throttle, the credential cache, open connections, streams, batches in flight per
 * (principal, client id), and the drain on stop. One object per Vert.x instance, found through its
 * local shared-data map; everything in it is thread-safe (front instances run on different event
 * loops). A Vert.x instance is one node: servers deployed side by side in one Vert.x share them.
 */
final class NodeGuards implements Shareable {

  private static final String MAP = "outflux.server.node";
  private static final String KEY = "guards";

  final AuthConfig auth;
  final AuthThrottle throttle;
  final CredentialCache cache;
  final StreamRegistry streams = new StreamRegistry();
  final ControlRegistry control = new ControlRegistry();
  final AtomicInteger connections = new AtomicInteger();
  private final Map<String, Integer> inFlight = new ConcurrentHashMap<>();
  private final List<Supplier<Future<JsonObject>>> fronts = new CopyOnWriteArrayList<>();
  private final List<java.util.function.Function<Object, Future<Integer>>> streamFlushers = new CopyOnWriteArrayList<>();
  private final java.util.Set<String> claimed = ConcurrentHashMap.newKeySet();
  private volatile Future<JsonObject> drained;

  private NodeGuards(AuthConfig auth) {
    this.auth = auth;
    this.throttle = new AuthThrottle(auth, System::nanoTime);
    this.cache = new CredentialCache(auth.cacheTtl(), System::nanoTime);
  }

  /** The node's guards; the first front instance to ask creates them with its config. */
  static NodeGuards of(Vertx vertx, FrontConfig config) {
    return vertx.sharedData().<String, NodeGuards>getLocalMap(MAP)
        .computeIfAbsent(KEY, k -> new NodeGuards(config.auth()));
  }

  /** Takes one in-flight slot of the (principal, client) key; false when {@code max} are taken. */
  boolean startBatch(String clientKey, int max) {
    int n = inFlight.merge(clientKey, 1, Integer::sum);
    if (n > max) {
      endBatch(clientKey);
      return false;
    }
    return true;
  }

  void endBatch(String clientKey) {
    inFlight.computeIfPresent(clientKey, (k, n) -> n > 1 ? n - 1 : null);
  }

  /**
   * A front instance's own drain, run on its event loop when the node stops.
   *
   * @return removes it again (the instance was undeployed)
   */
  Runnable addFront(Context context, Supplier<Future<JsonObject>> drain) {
    Supplier<Future<JsonObject>> front = () -> {
      Promise<JsonObject> done = Promise.promise();
      context.runOnContext(v -> drain.get().onComplete(done));
      return done.future();
    };
    fronts.add(front);
    return () -> fronts.remove(front);
  }

  /** True for the first front instance of the node to claim {@code what} (node-wide consumers: once per node). */
  boolean claim(String what) {
    return claimed.add(what);
  }

  /** The instance that claimed {@code what} stops: the next deployment on this node claims it again. */
  void release(String what) {
    claimed.remove(what);
  }

  /**
   * A front instance's flush of its own streams, run on its event loop; {@link #flushStreams} asks
   * every instance of the node and adds up how many streams were asked.
   *
   * @return removes it again (the instance was undeployed)
   */
  Runnable addStreamFlusher(Context context, java.util.function.ToIntFunction<Object> flush) {
    java.util.function.Function<Object, Future<Integer>> flusher = body -> {
      Promise<Integer> done = Promise.promise();
      context.runOnContext(v -> done.complete(flush.applyAsInt(body)));
      return done.future();
    };
    streamFlushers.add(flusher);
    return () -> streamFlushers.remove(flusher);
  }

  Future<Integer> flushStreams(Object body) {
    List<Future<Integer>> each = new ArrayList<>();
    streamFlushers.forEach(f -> each.add(f.apply(body)));
    return Future.join(each).transform(ar -> Future.succeededFuture(
        each.stream().filter(Future::succeeded).mapToInt(Future::result).sum()));
  }

  boolean draining() {
    return drained != null;
  }

  /** Drains every front instance of the node once; later calls get the same result. */
  synchronized Future<JsonObject> drainAll() {
    if (drained == null) {
      List<Future<JsonObject>> each = new ArrayList<>();
      fronts.forEach(f -> each.add(f.get()));
      drained = Future.join(each).transform(ar -> {
        long streams = 0;
        long millis = 0;
        boolean complete = true;
        for (Future<JsonObject> f : each) {
          JsonObject r = f.succeeded() ? f.result() : new JsonObject().put("streams", -1).put("complete", false);
          streams += Math.max(0, r.getLong("streams", 0L));
          millis = Math.max(millis, r.getLong("millis", 0L));
          complete &= r.getBoolean("complete", false);
        }
        return Future.succeededFuture(new JsonObject().put("streams", streams).put("millis", millis)
            .put("complete", complete));
      });
    }
    return drained;
  }
}
