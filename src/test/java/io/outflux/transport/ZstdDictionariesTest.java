package io.outflux.transport;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.demo.TelegrafLikeLines;
import io.outflux.protocol.DictionaryProtocol;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the client believes each server holds, and when it offers its dictionary (again): each offer
 * uploads the dictionary over what may be a metered link, so the 409s of the batches in flight cost one
 * re-offer, not one each, and an offer the server refuses for its bytes is not repeated every 30 s.
 * The offers are answered by the test (their statuses), the clock is the test's.
 */
class ZstdDictionariesTest {

  private static final URI SERVER = URI.create("http://central:8086");

  private final Vertx vertx = Vertx.vertx();
  private final AtomicLong clock = new AtomicLong(System.currentTimeMillis());
  /** The offers made, each answered by completing its promise with an HTTP status. */
  private final List<Promise<Integer>> offers = new ArrayList<>();
  private final List<String> offered = new ArrayList<>();
  @TempDir
  Path dir;
  private Path file;

  @BeforeEach
  void keptDictionary() throws Exception {
    file = dir.resolve("metrics.lp.checkpoint.zdict");
    Files.write(file, trained(new TelegrafLikeLines("edge-kept", 1_700_000_000_000_000_000L)).bytes());
  }

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static ZstdDictionary trained(TelegrafLikeLines site) {
    DictionaryTrainer trainer = new DictionaryTrainer(TransportConfig.DEFAULT_DICTIONARY_SIZE);
    long i = 0;
    while (!trainer.add(Buffer.buffer(site.block(i, i + 1_000)))) {
      i += 1_000;
    }
    return trainer.train();
  }

  private ZstdDictionaries dictionaries() throws Exception {
    ZstdDictionaries d = new ZstdDictionaries(vertx, Optional.of(file), TransportConfig.DEFAULT_DICTIONARY_SIZE,
        clock::get, (server, dictionary) -> {
          Promise<Integer> answer = Promise.promise();
          offers.add(answer);
          offered.add(dictionary.id());
          return answer.future();
        });
    get(d.load());
    assertTrue(d.current().isPresent(), "the kept dictionary is read");
    return d;
  }

  /** Offers the dictionary to the server, which takes it; the batches' use of it. */
  private ZstdDictionaries.Use accepted(ZstdDictionaries d) {
    assertTrue(d.forServer(SERVER).isEmpty(), "plain zstd until the server took it");
    offers.get(offers.size() - 1).complete(204);
    return d.forServer(SERVER).orElseThrow();
  }

  /**
   * The server restarted with 8 batches in flight, all sent with the dictionary: each answers 409. The
   * first re-offers it; the others, answered while that offer runs or after the server took it again,
   * are resent with it without an upload each.
   */
  @Test
  void theUnknownAnswersOfTheBatchesInFlightCostOneReofferNotOneEach() throws Exception {
    ZstdDictionaries d = dictionaries();
    ZstdDictionaries.Use sent = accepted(d);
    assertEquals(1, offers.size());
    List<Future<Boolean>> resends = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      resends.add(d.reoffer(SERVER, sent)); // while the re-offer runs
    }
    assertEquals(2, offers.size(), "one re-offer");
    offers.get(1).complete(204);
    for (int i = 0; i < 5; i++) {
      resends.add(d.reoffer(SERVER, sent)); // after the server took it again
    }
    assertEquals(2, offers.size(), "still one re-offer: the server took it again after these batches went");
    for (Future<Boolean> r : resends) {
      assertTrue(get(r), "each batch may be resent with the dictionary");
    }
    assertEquals(1, d.reoffers());
    assertEquals(1L, d.status(SERVER).getLong("reoffers"), "outflux status shows it");
    assertEquals("accepted", d.status(SERVER).getString("offer"));
    // lost again after that: a batch sent since then finds it unknown and offers it again
    ZstdDictionaries.Use later = d.forServer(SERVER).orElseThrow();
    Future<Boolean> again = d.reoffer(SERVER, later);
    assertEquals(3, offers.size(), "a batch sent after the re-offer re-offers it");
    offers.get(2).complete(204);
    assertTrue(get(again));
    assertEquals(2, d.reoffers());
  }

  /** A re-offer that fails (the server is down again) is not repeated by every 409 for 30 s. */
  @Test
  void aFailedReofferIsPacedLikeAFailedOffer() throws Exception {
    ZstdDictionaries d = dictionaries();
    ZstdDictionaries.Use sent = accepted(d);
    Future<Boolean> first = d.reoffer(SERVER, sent);
    offers.get(1).fail("connection refused");
    assertFalse(get(first), "not taken: the batch goes as plain zstd");
    for (int i = 0; i < 5; i++) {
      assertFalse(now(d.reoffer(SERVER, sent)));
    }
    assertEquals(2, offers.size(), "no further upload within 30 s");
    clock.addAndGet(ZstdDictionaries.REOFFER_AFTER.toMillis());
    d.reoffer(SERVER, sent);
    assertEquals(3, offers.size(), "offered again after 30 s");
  }

  /**
   * The server refuses the dictionary itself (400: not its hash, not a zstd dictionary; 413: too large):
   * the same bytes would be refused again, so it is not uploaded again every 30 s; plain zstd to that server.
   */
  @Test
  void aDictionaryTheServerRefusesIsNotOfferedAgainEveryThirtySeconds() throws Exception {
    for (int status : new int[] {400, 413}) {
      offers.clear();
      ZstdDictionaries d = dictionaries();
      assertTrue(d.forServer(SERVER).isEmpty());
      offers.get(0).complete(status);
      for (int i = 0; i < 10; i++) {
        clock.addAndGet(ZstdDictionaries.REOFFER_AFTER.toMillis() + 1);
        assertTrue(d.forServer(SERVER).isEmpty(), "plain zstd");
        assertFalse(now(d.offered(SERVER)), "not for streams either");
      }
      assertEquals(1, offers.size(), "HTTP " + status + ": offered once in 5 minutes");
      assertEquals(Optional.of(ZstdDictionaries.Offered.REFUSED), d.state(SERVER));
    }
  }

  /**
   * During an outage in the first 2 MiB the same batches are retried over and over: each is one sample,
   * once, so the dictionary is trained on 2 MiB of distinct lines, not on the few batches retried.
   */
  @Test
  void aRetriedBatchIsNoNewSample() throws Exception {
    Files.delete(file);
    ZstdDictionaries d = new ZstdDictionaries(vertx, Optional.empty(), TransportConfig.DEFAULT_DICTIONARY_SIZE,
        clock::get, (server, dictionary) -> Future.succeededFuture(204));
    get(d.load());
    TelegrafLikeLines site = new TelegrafLikeLines("edge-retry", 1_700_000_000_000_000_000L);
    Buffer[] inFlight = {Buffer.buffer(site.block(0, 1_000)), Buffer.buffer(site.block(1_000, 2_000))};
    for (int attempt = 0; attempt < 20; attempt++) { // 20 x 2 x ~260 KB: ten times what a training takes
      d.observe(1, inFlight[0]);
      d.observe(2, inFlight[1]);
    }
    assertFalse(d.status(SERVER).getBoolean("training") || d.current().isPresent(),
        "two batches are two batches of samples, however often sent");
    for (long seq = 3; seq < 20 && !d.status(SERVER).getBoolean("training") && d.current().isEmpty(); seq++) {
      d.observe(seq, Buffer.buffer(site.block(seq * 1_000, seq * 1_000 + 1_000)));
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> d.current().isPresent());
  }

  /** A dictionary that cannot be kept (the state directory full or gone) is still used, from memory. */
  @Test
  void aDictionaryThatCannotBeKeptIsUsedFromMemory() throws Exception {
    Path nowhere = dir.resolve("gone").resolve("metrics.lp.checkpoint.zdict");
    ZstdDictionaries d = new ZstdDictionaries(vertx, Optional.of(nowhere), TransportConfig.DEFAULT_DICTIONARY_SIZE,
        clock::get, (server, dictionary) -> Future.succeededFuture(204));
    get(d.load());
    TelegrafLikeLines site = new TelegrafLikeLines("edge-full", 1_700_000_000_000_000_000L);
    for (long seq = 0; seq < 20 && !d.status(SERVER).getBoolean("training"); seq++) {
      d.observe(seq, Buffer.buffer(site.block(seq * 1_000, seq * 1_000 + 1_000)));
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> !d.status(SERVER).getBoolean("training"));
    assertTrue(d.current().isPresent(), "trained, and used although not kept");
    assertFalse(Files.exists(nowhere));
  }

  /** A kept file larger than any server takes is not this client's dictionary: a new one is trained. */
  @Test
  void aKeptFileLargerThanAServerTakesIsNotUsed() throws Exception {
    byte[] big = new byte[DictionaryProtocol.MAX_SIZE + 1];
    new java.util.Random(1).nextBytes(big);
    Files.write(file, big);
    ZstdDictionaries d = new ZstdDictionaries(vertx, Optional.of(file), TransportConfig.DEFAULT_DICTIONARY_SIZE,
        clock::get, (server, dictionary) -> Future.succeededFuture(204));
    get(d.load());
    assertTrue(d.current().isEmpty(), "retrained instead");
  }

  /**
   * A retrained dictionary while the offer of the previous one still runs: asking whether the server
   * took the new one offers the new one, and is not answered by the old one's offer.
   */
  @Test
  void theOfferOfAnOlderDictionaryDoesNotAnswerForANewerOne() throws Exception {
    ZstdDictionaries d = dictionaries();
    String old = d.current().orElseThrow().id();
    Future<Boolean> oldOffer = d.offered(SERVER);
    assertEquals(1, offers.size());
    clock.addAndGet(ZstdDictionaries.RETRAIN_AFTER.plusMinutes(1).toMillis());
    TelegrafLikeLines other = new TelegrafLikeLines("edge-new", 1_800_000_000_000_000_000L);
    for (long i = 0; d.current().orElseThrow().id().equals(old) && i < 100_000; i += 1_000) {
      d.observe(i, Buffer.buffer(other.block(i, i + 1_000)));
      if (i > 20_000) {
        await().atMost(Duration.ofSeconds(20)).until(() -> !d.current().orElseThrow().id().equals(old));
      }
    }
    String fresh = d.current().orElseThrow().id();
    Future<Boolean> newOffer = d.offered(SERVER);
    assertEquals(List.of(old, fresh), offered, "the new dictionary is offered");
    offers.get(0).complete(204);
    assertTrue(get(oldOffer));
    assertFalse(newOffer.isComplete(), "the new one waits for its own answer");
    offers.get(1).complete(204);
    assertTrue(get(newOffer));
    assertEquals(Optional.of(ZstdDictionaries.Offered.ACCEPTED), d.state(SERVER));
  }

  /** The answer given at once, without an offer to wait for. */
  private static <T> T now(Future<T> f) {
    assertTrue(f.isComplete(), "answered without a new offer");
    return f.result();
  }

  private static <T> T get(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
