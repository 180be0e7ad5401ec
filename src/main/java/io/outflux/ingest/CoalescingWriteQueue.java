package io.outflux.ingest;

import io.outflux.protocol.RejectList;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Runs at most N writes to InfluxDB at once and, while writes wait for a free slot, merges waiting
 * requests that InfluxDB would treat alike (same credentials, database, retention policy, precision)
 * into one larger write, up to a byte limit. Many small batches from many clients then cost InfluxDB
 * fewer, larger requests; nothing waits longer than it would have anyway.
 *
 * <p>Merging is only safe when the answer can be split back per request. A clean 2xx can: every
 * request's lines are stored. Anything else (a partial write, whose rejected lines and dropped counts
 * cannot be attributed reliably; an auth or server error) makes each request of the group be written
 * again on its own, so each gets its own exact answer. Writing the good lines twice is an overwrite of
 * the same points, not a duplicate. Event-loop confined.
 */
final class CoalescingWriteQueue {

  private record Pending(WriteRequest request, Promise<WriteResult> promise) {

    boolean sameTarget(WriteRequest other) {
      WriteRequest r = request;
      return r.credentials().equals(other.credentials()) && r.database().equals(other.database())
          && r.retentionPolicy().equals(other.retentionPolicy()) && r.precision() == other.precision();
    }
  }

  private final int maxInFlight;
  private final long maxMergedBytes;
  private final Function<WriteRequest, Future<WriteResult>> writer;
  private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
  private int running;
  private long merged;

  CoalescingWriteQueue(int maxInFlight, long maxMergedBytes, Function<WriteRequest, Future<WriteResult>> writer) {
    this.maxInFlight = maxInFlight;
    this.maxMergedBytes = maxMergedBytes;
    this.writer = writer;
  }

  Future<WriteResult> submit(WriteRequest request) {
    Pending p = new Pending(request, Promise.promise());
    waiting.add(p);
    drain();
    return p.promise().future();
  }

  int queued() {
    return waiting.size();
  }

  /** Requests that were written as part of a larger, merged write. */
  long merged() {
    return merged;
  }

  private void drain() {
    while (running < maxInFlight && !waiting.isEmpty()) {
      List<Pending> group = takeGroup();
      running++;
      run(group).onComplete(ar -> {
        running--;
        drain();
      });
    }
  }

  private List<Pending> takeGroup() {
    Pending head = waiting.poll();
    List<Pending> group = new ArrayList<>();
    group.add(head);
    long bytes = head.request().lines().length();
    for (Iterator<Pending> it = waiting.iterator(); it.hasNext() && bytes < maxMergedBytes; ) {
      Pending next = it.next();
      long size = next.request().lines().length();
      if (head.sameTarget(next.request()) && bytes + size + 1 <= maxMergedBytes) {
        it.remove();
        group.add(next);
        bytes += size + 1;
      }
    }
    return group;
  }

  private Future<Void> run(List<Pending> group) {
    if (group.size() == 1) {
      return writeAlone(group.get(0));
    }
    merged += group.size();
    return safely(mergedRequest(group)).compose(result -> {
      if (result instanceof WriteResult.Written w && w.rejected().isEmpty()) {
        group.forEach(p -> p.promise().tryComplete(new WriteResult.Written(p.request().lineCount(), List.of())));
        return Future.succeededFuture();
      }
      return oneByOne(group, 0);
    });
  }

  private Future<Void> oneByOne(List<Pending> group, int index) {
    if (index == group.size()) {
      return Future.succeededFuture();
    }
    return writeAlone(group.get(index)).compose(v -> oneByOne(group, index + 1));
  }

  private Future<Void> writeAlone(Pending p) {
    return safely(p.request()).map(result -> {
      p.promise().tryComplete(result);
      return null;
    });
  }

  private Future<WriteResult> safely(WriteRequest request) {
    Future<WriteResult> f;
    try {
      f = Objects.requireNonNull(writer.apply(request));
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    return f.otherwise(err -> new WriteResult.Retryable("write failed: " + err, V1ResponseClassifier.RETRY_AFTER));
  }

  private static WriteRequest mergedRequest(List<Pending> group) {
    int size = 0;
    for (Pending p : group) {
      size += p.request().lines().length() + 1;
    }
    Buffer body = Buffer.buffer(size);
    long lines = 0;
    for (Pending p : group) {
      Buffer part = p.request().lines();
      body.appendBuffer(part);
      if (part.length() > 0 && part.getByte(part.length() - 1) != '\n') {
        body.appendByte((byte) '\n');
      }
      lines += p.request().lineCount();
    }
    WriteRequest first = group.get(0).request();
    return new WriteRequest(first.credentials(), first.database(), first.retentionPolicy(), first.precision(), body,
        lines);
  }

  /** Combines the answers to the parts of one request that was split for size. */
  static WriteResult combine(List<WriteResult> parts) {
    long written = 0;
    RejectList rejected = new RejectList();
    WriteResult worst = null;
    for (WriteResult r : parts) {
      if (r instanceof WriteResult.Written w) {
        written += w.written();
        w.rejected().forEach(rejected::add);
        rejected.addUnlisted(w.unlisted());
      } else if (worst == null || rank(r) > rank(worst)) {
        worst = r;
      }
    }
    return worst != null ? worst : new WriteResult.Written(written, rejected.listed(), rejected.unlisted());
  }

  /** A permanent or auth failure of any part decides; otherwise a retryable one. */
  private static int rank(WriteResult r) {
    if (r instanceof WriteResult.AuthFailed) {
      return 3;
    }
    if (r instanceof WriteResult.Failed) {
      return 2;
    }
    return 1;
  }
}
