package io.outflux.ingest;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.function.Supplier;

/**
 * Runs at most N asynchronous operations at once, queueing the rest in arrival order. Must be used
 * from one event-loop context (it is not thread-safe, and needs not be).
 */
final class ConcurrencyLimiter {

  private final int max;
  private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
  private int running;

  ConcurrencyLimiter(int max) {
    this.max = max;
  }

  <T> Future<T> submit(Supplier<Future<T>> operation) {
    Promise<T> promise = Promise.promise();
    Runnable start = () -> {
      running++;
      Future<T> f;
      try {
        f = operation.get();
      } catch (RuntimeException e) {
        f = Future.failedFuture(e);
      }
      f.onComplete(ar -> {
        running--;
        Runnable next = waiting.poll();
        if (next != null) {
          next.run();
        }
        promise.handle(ar);
      });
    };
    if (running < max) {
      start.run();
    } else {
      waiting.add(start);
    }
    return promise.future();
  }

  int queued() {
    return waiting.size();
  }
}
