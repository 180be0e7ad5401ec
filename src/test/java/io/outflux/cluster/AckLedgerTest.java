package io.outflux.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.lineprotocol.Precision;
import io.outflux.protocol.BatchReply;
import io.outflux.protocol.Credentials;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The ledger on a non-clustered Vert.x (a local async map); ClusterIT covers the cluster-wide map. */
class AckLedgerTest {

  private final Vertx vertx = Vertx.vertx();
  private final AckLedger ledger = new AckLedger(vertx, Duration.ofMinutes(1));

  @AfterEach
  void close() {
    vertx.close();
  }

  @Test
  void aStoredBatchIsFoundAgainWithItsReply() throws Exception {
    String fp = BatchFingerprint.of(Buffer.buffer("cpu v=1 1\n"));
    BatchReply reply = new BatchReply(5, 1, List.of(new BatchReply.RejectedLine("x", "bad")));
    get(ledger.stored(scope("site", 5), fp, reply));
    assertEquals(Optional.of(reply), get(ledger.previousReply(scope("site", 5), fp)));
  }

  @Test
  void acksOutOfOrderAreEachRemembered() throws Exception {
    String fp = BatchFingerprint.of(Buffer.buffer("a"));
    get(ledger.stored(scope("site", 9), fp, new BatchReply(9, 1, List.of())));
    get(ledger.stored(scope("site", 7), fp, new BatchReply(7, 1, List.of())));
    assertTrue(get(ledger.previousReply(scope("site", 7), fp)).isPresent());
    assertTrue(get(ledger.previousReply(scope("site", 9), fp)).isPresent());
    assertTrue(get(ledger.previousReply(scope("site", 8), fp)).isEmpty(), "an unacknowledged batch in between is written");
  }

  @Test
  void theSameNumberWithOtherLinesOrFromAnotherClientIsNotADuplicate() throws Exception {
    String fp = BatchFingerprint.of(Buffer.buffer("cpu v=1 1\n"));
    get(ledger.stored(scope("site", 3), fp, new BatchReply(3, 1, List.of())));
    assertTrue(get(ledger.previousReply(scope("site", 3), BatchFingerprint.of(Buffer.buffer("cpu v=2 1\n")))).isEmpty(),
        "a client that restarted re-cuts its batches: same seq, other lines");
    assertTrue(get(ledger.previousReply(scope("other-site", 3), fp)).isEmpty());
  }

  @Test
  void theSameBatchAsAnotherUserToAnotherDatabaseOrRetentionPolicyOrPrecisionIsNotADuplicate() throws Exception {
    String fp = BatchFingerprint.of(Buffer.buffer("cpu v=1 1\n"));
    get(ledger.stored(scope("site", 4), fp, new BatchReply(4, 1, List.of())));
    assertTrue(get(ledger.previousReply(scope("site", 4), fp)).isPresent());
    assertTrue(get(ledger.previousReply(new AckLedger.Scope("site", 4, EDGE, "fixed_db", "", Precision.NS), fp)).isEmpty(),
        "the operator fixed influx.database: the resent batch must be written to the new database");
    assertTrue(get(ledger.previousReply(new AckLedger.Scope("site", 4, new Credentials.Basic("mallory", "pw"), "telegraf",
        "", Precision.NS), fp)).isEmpty(), "another user cannot have its batch acknowledged by someone else's write");
    assertTrue(get(ledger.previousReply(new AckLedger.Scope("site", 4, EDGE, "telegraf", "week", Precision.NS), fp)).isEmpty());
    assertTrue(get(ledger.previousReply(new AckLedger.Scope("site", 4, EDGE, "telegraf", "", Precision.S), fp)).isEmpty());
    assertTrue(get(ledger.previousReply(new AckLedger.Scope("site", 4, new Credentials.Basic("edge", "new-password"),
        "telegraf", "", Precision.NS), fp)).isPresent(), "the same user with a changed password is the same principal");
  }

  @Test
  void aReplyWithHugeRejectListsIsNotRecordedSoItsRetryIsWrittenAgain() throws Exception {
    String fp = BatchFingerprint.of(Buffer.buffer("x"));
    List<BatchReply.RejectedLine> many = new java.util.ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      many.add(new BatchReply.RejectedLine("bad line number " + i + " with some text", "unable to parse"));
    }
    get(ledger.stored(scope("site", 11), fp, new BatchReply(11, 0, many)));
    assertTrue(get(ledger.previousReply(scope("site", 11), fp)).isEmpty());
  }

  @Test
  void fingerprintsDifferWithContentAndLength() {
    assertEquals(BatchFingerprint.of(Buffer.buffer("abc")), BatchFingerprint.of(Buffer.buffer("abc")));
    assertTrue(!BatchFingerprint.of(Buffer.buffer("abc")).equals(BatchFingerprint.of(Buffer.buffer("abd"))));
    assertTrue(BatchFingerprint.of(Buffer.buffer("abc")).endsWith("-3"));
  }

  private static final Credentials EDGE = new Credentials.Basic("edge", "pw");

  private static AckLedger.Scope scope(String clientId, long seq) {
    return new AckLedger.Scope(clientId, seq, EDGE, "telegraf", "", Precision.NS);
  }

  private static <T> T get(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
