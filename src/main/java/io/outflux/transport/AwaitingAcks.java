package io.outflux.transport;

import io.vertx.core.Promise;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The batches of one stream sent and waiting for their ack, by seq, with the size of each message
 * (a stream closed as "too large" blames the largest). Event-loop confined, like its sender.
 */
final class AwaitingAcks {

  private record Waiting(Promise<SendResult> result, int size) {
  }

  private final Map<Long, Waiting> waiting = new HashMap<>();

  /** Waits for {@code seq}'s answer; a batch of that seq still waiting is answered retryable (sent again). */
  void add(long seq, Promise<SendResult> result, int size) {
    Waiting previous = waiting.put(seq, new Waiting(result, size));
    if (previous != null) {
      previous.result().tryComplete(new SendResult.Retryable("batch " + seq + " was sent again", Optional.empty()));
    }
  }

  /** The promise waiting for {@code seq}'s answer, no longer waiting; null when none waits (timed out). */
  Promise<SendResult> take(long seq) {
    Waiting w = waiting.remove(seq);
    return w == null ? null : w.result();
  }

  /** Stops waiting for {@code seq} if {@code result} is what waits for it. */
  void forget(long seq, Promise<SendResult> result) {
    Waiting w = waiting.get(seq);
    if (w != null && w.result() == result) {
      waiting.remove(seq);
    }
  }

  boolean isEmpty() {
    return waiting.isEmpty();
  }

  int size() {
    return waiting.size();
  }

  /** The largest batch waiting is refused as too large (413: the batcher splits it). */
  void refuseLargest(String reason) {
    waiting.entrySet().stream().max(Map.Entry.comparingByValue(java.util.Comparator.comparingInt(Waiting::size)))
        .ifPresent(largest -> take(largest.getKey()).tryComplete(new SendResult.Refused(413, reason)));
  }

  /** Every batch waiting fails as retryable: the stream is gone. */
  void failAll(String reason) {
    List<Waiting> failed = List.copyOf(waiting.values());
    waiting.clear();
    failed.forEach(w -> w.result().tryComplete(new SendResult.Retryable(reason, Optional.empty())));
  }
}
