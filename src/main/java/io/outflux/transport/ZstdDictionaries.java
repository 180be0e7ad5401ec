package io.outflux.transport;

import io.outflux.protocol.DictionaryProtocol;
import io.outflux.spool.AtomicFile;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's zstd dictionary and what each server knows of it ({@code transport.compression: zstd}
 * with {@code transport.dictionarySize} above 0). One owner, the transport stage: it trains the
 * dictionary from the first {@link #TRAIN_AFTER} bytes of lines it sends (a worker thread trains,
 * never the event loop), keeps it in {@code <spool.checkpoint>.zdict} (written like the checkpoint)
 * so a restarted client uses the same version, and retrains it once it is {@link #RETRAIN_AFTER} old
 * (the timestamps' leading digits, part of what it learned, have moved on by then; measurement names,
 * tags and field keys change only with the site's Telegraf configuration).
 *
 * <p>A dictionary is used for a server only once that server took it ({@code PUT
 * /api/v1/dictionaries/<id>} answered 204): until then, and for a server that does not know the
 * endpoint (404, 405, 501: older than dictionaries), batches go as plain zstd. Everything here runs
 * on the transport's event loop except training and the file, which run on workers.
 */
final class ZstdDictionaries {

  private static final Logger log = LoggerFactory.getLogger(ZstdDictionaries.class);
  static final int TRAIN_AFTER = DictionaryTrainer.TRAIN_AFTER;
  static final Duration RETRAIN_AFTER = Duration.ofDays(7);
  /** After an offer failed for a reason that may pass (server down, 503), offer again after this long. */
  static final Duration REOFFER_AFTER = Duration.ofSeconds(30);

  /**
   * What a server answered to the offer of the current dictionary. REFUSED: it answered 400 or 413 (not
   * this dictionary: its hash, its size, not a zstd dictionary), which the same bytes would get again, so
   * it is not offered again until the next training (every 30 s, it would cost a metered link up to 64 KiB
   * each time, for nothing).
   */
  enum Offered { OFFERING, ACCEPTED, FAILED, UNSUPPORTED, REFUSED }

  /** @param epoch for ACCEPTED: which acceptance this is (a re-offer after a 409 is a new one) */
  private record ServerState(String dictionaryId, Offered state, long atMs, long epoch) {
  }

  /**
   * The dictionary a server took, for one batch; {@code epoch} tells that acceptance from a later one, so
   * the 409s of the batches sent before a re-offer do not each offer it again ({@link #reoffer(URI, Use)}).
   */
  record Use(ZstdDictionary dictionary, long epoch) {
  }

  private record Offering(String dictionaryId, Future<Boolean> result) {
  }

  private final Vertx vertx;
  private final Optional<Path> file;
  private final int size;
  private final LongSupplier clockMs;
  /** Offers the dictionary to a server: the HTTP status of the answer (a failed future: no answer). */
  private final BiFunction<URI, ZstdDictionary, Future<Integer>> offer;
  private ZstdDictionary current;
  /** When the dictionary in use was trained (or the last training failed); MIN_VALUE: never. */
  private long trainedAtMs = Long.MIN_VALUE;
  private DictionaryTrainer trainer;
  private boolean training;
  private final Map<URI, ServerState> servers = new HashMap<>();
  /** The offer running to each server, and of which dictionary (a retrained one is not the one running). */
  private final Map<URI, Offering> offering = new HashMap<>();
  private long acceptances;
  /** The newest batch observed: a retry is no new sample. */
  private long observedSeq = Long.MIN_VALUE;
  /** Offers made again because a server said it did not hold a dictionary it had taken. */
  private long reoffers;
  private final Runnable onReoffer;

  /**
   * @param file where the dictionary is kept (empty: in memory only, retrained after a restart)
   * @param size the dictionary's size in bytes
   */
  ZstdDictionaries(Vertx vertx, Optional<Path> file, int size, LongSupplier clockMs,
                   BiFunction<URI, ZstdDictionary, Future<Integer>> offer) {
    this(vertx, file, size, clockMs, offer, () -> { });
  }

  /** @param onReoffer called for each re-offer ({@link #reoffers()}), e.g. to count it in a meter */
  ZstdDictionaries(Vertx vertx, Optional<Path> file, int size, LongSupplier clockMs,
                   BiFunction<URI, ZstdDictionary, Future<Integer>> offer, Runnable onReoffer) {
    this.onReoffer = onReoffer;
    this.vertx = vertx;
    this.file = file;
    this.size = size;
    this.clockMs = clockMs;
    this.offer = offer;
  }

  /** Reads the kept dictionary, if any (on a worker). A file that cannot be read is retrained. */
  Future<Void> load() {
    if (file.isEmpty()) {
      return Future.succeededFuture();
    }
    Path f = file.get();
    return vertx.executeBlocking(() -> {
      try {
        byte[] bytes = Files.readAllBytes(f);
        if (bytes.length > DictionaryProtocol.MAX_SIZE) {
          // not one this client trained (transport.dictionarySize is at most that): no server would take it
          throw new IOException(bytes.length + " bytes, more than a server takes (" + DictionaryProtocol.MAX_SIZE + ")");
        }
        return bytes.length == 0 ? null : new Kept(ZstdDictionary.of(bytes), Files.getLastModifiedTime(f).toMillis());
      } catch (NoSuchFileException e) {
        return null;
      }
    }, false).<Void>map(kept -> {
      if (kept != null && current == null) {
        current = kept.dictionary;
        trainedAtMs = kept.trainedAtMs;
        log.info("zstd dictionary {} read from {}", current, f);
      }
      return null;
    }).recover(err -> {
      log.warn("zstd dictionary {} unreadable ({}): a new one is trained", f, err.toString());
      return Future.succeededFuture();
    });
  }

  private record Kept(ZstdDictionary dictionary, long trainedAtMs) {
  }

  /** The dictionary in use (the newest trained or read). */
  Optional<ZstdDictionary> current() {
    return Optional.ofNullable(current);
  }

  /**
   * Lines about to be sent: samples for the next training, which starts once enough were seen. A batch is
   * a sample once: its retries (the same seq, or an older one, again) are not, or an outage during the
   * first 2 MiB would train the dictionary on the few batches retried over and over.
   */
  void observe(long seq, Buffer payload) {
    if (seq <= observedSeq) {
      return;
    }
    observedSeq = seq;
    if (training) {
      return;
    }
    if (trainer == null) {
      if (trainedAtMs != Long.MIN_VALUE && clockMs.getAsLong() - trainedAtMs < RETRAIN_AFTER.toMillis()) {
        return;
      }
      trainer = new DictionaryTrainer(size);
    }
    if (trainer.add(payload)) {
      train();
    }
  }

  private void train() {
    DictionaryTrainer samples = trainer;
    training = true;
    long started = System.nanoTime();
    vertx.executeBlocking(() -> {
      ZstdDictionary trained = samples.train();
      if (file.isPresent()) {
        try {
          AtomicFile.write(file.get(), trained.bytes());
        } catch (IOException e) {
          // a full or read-only state directory: the dictionary is good, used from memory; a restart trains again
          log.warn("zstd dictionary {} not kept in {} ({}): used until the client stops", trained, file.get(),
              e.toString());
        }
      }
      return trained;
    }, false).onComplete(ar -> {
      training = false;
      trainer = null;
      if (ar.succeeded()) {
        ZstdDictionary previous = current;
        current = ar.result();
        trainedAtMs = clockMs.getAsLong();
        servers.clear();
        log.info("zstd dictionary {} trained on {} KiB of this site's lines in {} ms{}{}", current,
            samples.sampled() >> 10, (System.nanoTime() - started) / 1_000_000,
            file.map(f -> ", kept in " + f).orElse(""), previous == null ? "" : " (replaces " + previous.id() + ")");
      } else {
        // too few distinct samples: the lines go as plain zstd; tried again after RETRAIN_AFTER
        trainedAtMs = clockMs.getAsLong();
        log.warn("zstd dictionary not trained: {}", ar.cause().toString());
      }
    });
  }

  /**
   * The dictionary this server took, if any; otherwise offers it (once, in the background) and the
   * batch goes as plain zstd meanwhile.
   */
  Optional<Use> forServer(URI server) {
    if (current == null) {
      return Optional.empty();
    }
    ServerState s = servers.get(server);
    if (s != null && s.dictionaryId.equals(current.id())) {
      switch (s.state) {
        case ACCEPTED:
          return Optional.of(new Use(current, s.epoch));
        case UNSUPPORTED, REFUSED, OFFERING:
          return Optional.empty();
        case FAILED:
          if (recentlyFailed(s)) {
            return Optional.empty();
          }
          break;
        default:
          break;
      }
    }
    offer(server);
    return Optional.empty();
  }

  /**
   * The server answered a batch sent with {@code used} that it does not know the dictionary (restarted,
   * evicted): offers it again, unless it took it again since that batch went (the 409s of the other
   * batches in flight then cost no upload each). True when it holds it (the batch may be resent with it).
   */
  Future<Boolean> reoffer(URI server, Use used) {
    ServerState s = servers.get(server);
    if (s != null && s.state == Offered.ACCEPTED && s.epoch != used.epoch && s.dictionaryId.equals(used.dictionary.id())) {
      return Future.succeededFuture(true);
    }
    return reoffer(server, used.dictionary);
  }

  /**
   * The server answered that it does not hold the dictionary (a stream's dictionary message): offers it
   * again, at most once per {@link #REOFFER_AFTER} after a failed offer. True when it took it.
   */
  Future<Boolean> reoffer(URI server, ZstdDictionary dictionary) {
    if (current == null || !current.id().equals(dictionary.id())) {
      return Future.succeededFuture(false);
    }
    ServerState s = servers.get(server);
    if (s != null && s.dictionaryId.equals(dictionary.id())) {
      switch (s.state) {
        case OFFERING:
          return offer(server); // the re-offer of another batch: its answer
        case UNSUPPORTED, REFUSED:
          return Future.succeededFuture(false);
        case FAILED:
          if (recentlyFailed(s)) {
            return Future.succeededFuture(false);
          }
          break;
        default:
          break;
      }
    }
    servers.remove(server);
    reoffers++;
    onReoffer.run();
    return offer(server);
  }

  /** An offer that failed for a reason that may pass is made again only after {@link #REOFFER_AFTER}. */
  private boolean recentlyFailed(ServerState s) {
    return clockMs.getAsLong() - s.atMs < REOFFER_AFTER.toMillis();
  }

  /** How many times a dictionary was offered again because a server had lost it. */
  long reoffers() {
    return reoffers;
  }

  /**
   * For {@code outflux status}: the dictionary in use ({@code id}, {@code bytes}; none while the first
   * training waits for its lines), what {@code server} answered to its offer ({@code offer}: the lower-case
   * {@link Offered}, or {@code not offered}) and the re-offers since the start ({@code reoffers}).
   */
  io.vertx.core.json.JsonObject status(URI server) {
    io.vertx.core.json.JsonObject json = new io.vertx.core.json.JsonObject();
    if (current != null) {
      json.put("id", current.id()).put("bytes", current.size());
    }
    return json.put("training", training)
        .put("offer", state(server).map(o -> o.name().toLowerCase(java.util.Locale.ROOT)).orElse("not offered"))
        .put("reoffers", reoffers);
  }

  /**
   * For a stream: the server took the current dictionary (offered now if it was not, or if an
   * earlier offer failed for a reason that may pass). False: none, or the server does not take it.
   */
  Future<Boolean> offered(URI server) {
    if (current == null) {
      return Future.succeededFuture(false);
    }
    ServerState s = servers.get(server);
    if (s != null && s.dictionaryId.equals(current.id())) {
      if (s.state == Offered.ACCEPTED) {
        return Future.succeededFuture(true);
      }
      if (s.state == Offered.UNSUPPORTED || s.state == Offered.REFUSED || s.state == Offered.FAILED && recentlyFailed(s)) {
        return Future.succeededFuture(false);
      }
    }
    return offer(server);
  }

  /** The server refused a dictionary body as an unknown encoding (415): plain zstd for it from now on. */
  void unsupported(URI server) {
    if (current != null) {
      servers.put(server, new ServerState(current.id(), Offered.UNSUPPORTED, clockMs.getAsLong(), 0));
    }
    log.info("server {} does not take zstd dictionary bodies (415): sending it plain zstd", server);
  }

  /** What the server said to the current dictionary (tests, status). */
  Optional<Offered> state(URI server) {
    ServerState s = servers.get(server);
    return s == null || current == null || !s.dictionaryId.equals(current.id()) ? Optional.empty() : Optional.of(s.state);
  }

  private Future<Boolean> offer(URI server) {
    Offering running = offering.get(server);
    if (running != null && running.dictionaryId.equals(current.id())) {
      return running.result;
    }
    ZstdDictionary d = current;
    servers.put(server, new ServerState(d.id(), Offered.OFFERING, clockMs.getAsLong(), 0));
    Future<Boolean> result = offer.apply(server, d).transform(ar -> {
      Offering o = offering.get(server);
      if (o != null && o.dictionaryId.equals(d.id())) {
        offering.remove(server); // an offer of a newer dictionary started meanwhile stays
      }
      Offered outcome;
      if (ar.failed()) {
        outcome = Offered.FAILED;
        log.debug("zstd dictionary {} not offered to {}: {}", d.id(), server, ar.cause().toString());
      } else if (ar.result() / 100 == 2) {
        outcome = Offered.ACCEPTED;
        log.info("server {} took zstd dictionary {}", server, d);
      } else if (ar.result() == 404 || ar.result() == 405 || ar.result() == 501 || ar.result() == 415) {
        outcome = Offered.UNSUPPORTED;
        log.info("server {} does not take zstd dictionaries (HTTP {}): sending it plain zstd", server, ar.result());
      } else if (ar.result() == 400 || ar.result() == 413) {
        outcome = Offered.REFUSED;
        log.warn("server {} refused zstd dictionary {} (HTTP {}): plain zstd to it, not offered again until the "
            + "next training", server, d, ar.result());
      } else {
        outcome = Offered.FAILED;
        log.info("server {} did not take zstd dictionary {} (HTTP {}): plain zstd, offered again in {} s", server,
            d.id(), ar.result(), REOFFER_AFTER.toSeconds());
      }
      if (current == d) {
        servers.put(server, new ServerState(d.id(), outcome, clockMs.getAsLong(),
            outcome == Offered.ACCEPTED ? ++acceptances : 0));
      }
      return Future.succeededFuture(outcome == Offered.ACCEPTED);
    });
    if (!result.isComplete()) {
      offering.put(server, new Offering(d.id(), result));
    }
    return result;
  }
}
