package io.outflux.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.lineprotocol.Precision;
import io.outflux.protocol.BatchReply;
import io.outflux.protocol.BatchSpan;
import io.outflux.protocol.Credentials;
import io.outflux.protocol.WireProtocol;
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
  void theLedgerHoldsABoundedRingPerClientHoweverManyBatchesItStores() throws Exception {
    String fp = BatchFingerprint.of(Buffer.buffer("cpu v=1 1\n"));
    for (long seq = 1; seq <= 2_000; seq++) {
      get(ledger.stored(scope("site", seq), fp, new BatchReply(seq, 100, List.of())));
    }
    int entries = get(vertx.sharedData().<String, String>getAsyncMap(AckLedger.MAP_NAME).compose(m -> m.size()));
    assertEquals(AckLedger.SLOTS + 1, entries, "one ring per client and scope (plus the cluster's salt)");
    for (long seq = 2_000 - AckLedger.SLOTS + 1; seq <= 2_000; seq++) {
      assertTrue(get(ledger.previousReply(scope("site", seq), fp)).isPresent(), "batch " + seq + " is in the window");
    }
    assertTrue(get(ledger.previousReply(scope("site", 2_000 - AckLedger.SLOTS), fp)).isEmpty(),
        "a batch older than the window is written again (its slot holds a newer batch)");
  }

  /**
   * A model of a client with a window of in-flight batches (acknowledged out of order, the window
   * moving only over an acknowledged prefix, as the client's AckTracker does) whose replies are lost
   * at random: every retry of a batch the server stored is acknowledged from the ledger, never written
   * again, and no batch that was not stored is acknowledged. Seeded; the seed is in the message.
   */
  @Test
  void aRetriedBatchIsNeverWrittenTwiceWhateverTheOrderOfAcks() throws Exception {
    long seed = System.nanoTime();
    java.util.Random random = new java.util.Random(seed);
    int window = 1 + random.nextInt(WireProtocol.MAX_IN_FLIGHT);
    java.util.TreeMap<Long, Boolean> inFlight = new java.util.TreeMap<>(); // seq -> acknowledged to the client
    java.util.Set<Long> storedOnServer = new java.util.HashSet<>();
    long next = 1;
    int writes = 0;
    int retries = 0;
    for (int step = 0; step < 3_000; step++) {
      while (inFlight.size() < window) {
        inFlight.put(next++, false);
      }
      List<Long> open = inFlight.entrySet().stream().filter(e -> !e.getValue()).map(e -> e.getKey()).toList();
      long seq = open.get(random.nextInt(open.size()));
      String fp = BatchFingerprint.of(Buffer.buffer("lines of batch " + seq));
      Optional<BatchReply> previous = get(ledger.previousReply(scope("site", seq), fp));
      assertEquals(storedOnServer.contains(seq), previous.isPresent(),
          "seed " + seed + ", window " + window + ": batch " + seq + (previous.isPresent() ? " acknowledged unwritten"
              : " written twice"));
      if (previous.isEmpty()) {
        writes++;
        storedOnServer.add(seq);
        get(ledger.stored(scope("site", seq), fp, new BatchReply(seq, 1, List.of())));
      } else {
        retries++;
      }
      if (random.nextInt(4) > 0) { // the reply arrives; else it is lost and the batch is sent again later
        inFlight.put(seq, true);
        while (!inFlight.isEmpty() && inFlight.firstEntry().getValue()) {
          inFlight.pollFirstEntry();
        }
      }
    }
    assertTrue(writes > 100 && retries > 100, "seed " + seed + ": the model exercised both paths");
  }

  @Test
  void anEntryIsAFewHundredBytes() throws Exception {
    String fp = BatchFingerprint.of(Buffer.buffer("x".repeat(1_800_000)));
    get(ledger.stored(scope("a-site-with-a-long-name-01", 123_456), fp, new BatchReply(123_456, 10_000, List.of())));
    io.vertx.core.shareddata.AsyncMap<String, String> map =
        get(vertx.sharedData().<String, String>getAsyncMap(AckLedger.MAP_NAME));
    String key = get(map.keys()).stream().filter(k -> !k.equals(AckLedger.SALT_KEY)).findFirst().orElseThrow();
    String value = get(map.get(key));
    int bytes = key.length() + value.length();
    System.out.printf("ledger entry: key %d + value %d chars (%s = %s)%n", key.length(), value.length(), key, value);
    assertTrue(bytes < 200, "key + value " + bytes + " chars");
  }

  @Test
  void fingerprintsDifferWithContentAndLength() {
    assertEquals(BatchFingerprint.of(Buffer.buffer("abc")), BatchFingerprint.of(Buffer.buffer("abc")));
    assertTrue(!BatchFingerprint.of(Buffer.buffer("abc")).equals(BatchFingerprint.of(Buffer.buffer("abd"))));
    assertTrue(BatchFingerprint.of(Buffer.buffer("abc")).endsWith("-3"));
  }

  private static final Credentials EDGE = new Credentials.Basic("edge", "pw");

  @Test
  void twoFrontInstancesRecordingOneClientsSpansAtOnceLoseNoRange() throws Exception {
    // Two ledgers (one per front instance) on two threads, each round both recording their half of the
    // next range at the same moment: every range must end up stored, so the whole run is one stored prefix.
    AckLedger second = new AckLedger(vertx, Duration.ofMinutes(1));
    int rounds = 2_000;
    java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
    java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      List<java.util.concurrent.Future<Object>> done = new java.util.ArrayList<>();
      for (int t = 0; t < 2; t++) {
        AckLedger mine = t == 0 ? ledger : second;
        int half = t;
        done.add(threads.submit(() -> {
          for (int round = 0; round < rounds; round++) {
            long from = (2L * round + half) * 10;
            start.await(10, TimeUnit.SECONDS);
            get(mine.storedSpan(scope("site", round), new BatchSpan(BatchSpan.LIVE, "f1", from, from + 10, true)));
          }
          return null;
        }));
      }
      for (java.util.concurrent.Future<Object> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      threads.shutdownNow();
    }
    BatchSpan all = new BatchSpan(BatchSpan.LIVE, "f1", 0, rounds * 20L, true);
    assertEquals(all.length(), get(ledger.storedSpans(scope("site", 0), all)).storedPrefix(all));
  }

  private static AckLedger.Scope scope(String clientId, long seq) {
    return new AckLedger.Scope(clientId, seq, EDGE, "telegraf", "", Precision.NS);
  }

  private static <T> T get(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
