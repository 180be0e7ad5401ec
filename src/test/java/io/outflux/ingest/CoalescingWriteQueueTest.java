package io.outflux.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.lineprotocol.Precision;
import io.outflux.protocol.BatchReply.RejectedLine;
import io.outflux.protocol.Credentials;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CoalescingWriteQueueTest {

  private static final Credentials ALICE = new Credentials.Basic("alice", "pw");
  private static final Credentials BOB = new Credentials.Basic("bob", "pw");

  /** A fake InfluxDB whose writes complete when the test says so. */
  private static final class FakeInflux {
    final List<WriteRequest> requests = new ArrayList<>();
    final List<Promise<WriteResult>> answers = new ArrayList<>();

    Future<WriteResult> write(WriteRequest r) {
      requests.add(r);
      Promise<WriteResult> p = Promise.promise();
      answers.add(p);
      return p.future();
    }
  }

  private static WriteRequest req(Credentials c, String db, String lines) {
    Buffer body = Buffer.buffer(lines);
    return new WriteRequest(c, db, "", Precision.NS, body, BodySplitter.countLines(body));
  }

  @Test
  void neverRunsMoreThanTheLimitAtOnce() {
    FakeInflux influx = new FakeInflux();
    CoalescingWriteQueue q = new CoalescingWriteQueue(2, 0, influx::write);
    q.submit(req(ALICE, "a", "x v=1 1\n"));
    q.submit(req(BOB, "a", "x v=1 2\n"));
    q.submit(req(ALICE, "b", "x v=1 3\n"));
    assertEquals(2, influx.requests.size());
    assertEquals(1, q.queued());
    influx.answers.get(0).complete(new WriteResult.Written(1, List.of()));
    assertEquals(3, influx.requests.size(), "a freed slot starts the next write");
  }

  @Test
  void waitingBatchesForTheSameTargetAreMergedAndEachIsAckedWithItsOwnCount() {
    FakeInflux influx = new FakeInflux();
    CoalescingWriteQueue q = new CoalescingWriteQueue(1, 1 << 20, influx::write);
    q.submit(req(ALICE, "a", "first v=1 1\n"));
    Future<WriteResult> two = q.submit(req(ALICE, "a", "x v=1 2\nx v=1 3"));
    Future<WriteResult> other = q.submit(req(BOB, "a", "y v=1 4\n"));
    Future<WriteResult> three = q.submit(req(ALICE, "a", "z v=1 5\n"));
    influx.answers.get(0).complete(new WriteResult.Written(1, List.of()));

    assertEquals(2, influx.requests.size());
    WriteRequest merged = influx.requests.get(1);
    assertEquals("x v=1 2\nx v=1 3\nz v=1 5\n", merged.lines().toString(), "same credentials and db merged, in order");
    assertEquals(3, merged.lineCount());
    influx.answers.get(1).complete(new WriteResult.Written(3, List.of()));
    assertEquals(new WriteResult.Written(2, List.of()), two.result());
    assertEquals(new WriteResult.Written(1, List.of()), three.result());
    assertTrue(!other.isComplete(), "another user's batch is never merged in");
    assertEquals("y v=1 4\n", influx.requests.get(2).lines().toString());
  }

  @Test
  void aMergedWriteThatIsNotACleanSuccessIsRedoneOneRequestAtATime() {
    FakeInflux influx = new FakeInflux();
    CoalescingWriteQueue q = new CoalescingWriteQueue(1, 1 << 20, influx::write);
    q.submit(req(ALICE, "a", "first v=1 1\n"));
    Future<WriteResult> good = q.submit(req(ALICE, "a", "x v=1 2\n"));
    Future<WriteResult> bad = q.submit(req(ALICE, "a", "x v=\"s\" 3\n"));
    influx.answers.get(0).complete(new WriteResult.Written(1, List.of()));
    influx.answers.get(1).complete(new WriteResult.Written(1, List.of(new RejectedLine("", "field type conflict"))));

    assertEquals(3, influx.requests.size(), "the first of the group is written alone");
    influx.answers.get(2).complete(new WriteResult.Written(1, List.of()));
    assertEquals(4, influx.requests.size(), "then the second");
    influx.answers.get(3).complete(new WriteResult.Written(0, List.of(new RejectedLine("", "field type conflict"))));
    assertEquals(new WriteResult.Written(1, List.of()), good.result());
    assertEquals(1, ((WriteResult.Written) bad.result()).rejected().size(), "only the bad batch carries the reject");
  }

  @Test
  void aFailingWriterBecomesRetryable() {
    CoalescingWriteQueue q = new CoalescingWriteQueue(1, 0, r -> Future.failedFuture(new IllegalStateException("x")));
    assertInstanceOf(WriteResult.Retryable.class, q.submit(req(ALICE, "a", "x v=1 1\n")).result());
  }

  @Test
  void theAnswersToTheSizePartsOfOneRequestCombineToTheWorst() {
    WriteResult ok = new WriteResult.Written(5, List.of());
    assertEquals(new WriteResult.Written(10, List.of()), CoalescingWriteQueue.combine(List.of(ok, ok)));
    WriteResult retry = new WriteResult.Retryable("down", java.time.Duration.ofSeconds(1));
    WriteResult auth = new WriteResult.AuthFailed(403, "no");
    assertEquals(retry, CoalescingWriteQueue.combine(List.of(ok, retry)));
    assertEquals(auth, CoalescingWriteQueue.combine(List.of(retry, auth, ok)));
  }
}
