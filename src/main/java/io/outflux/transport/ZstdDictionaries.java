package io.outflux.transport;

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

  /** What a server answered to the offer of the current dictionary. */
  enum Offered { OFFERING, ACCEPTED, FAILED, UNSUPPORTED }

  private record ServerState(String dictionaryId, Offered state, long atMs) {
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
  private final Map<URI, Future<Boolean>> offering = new HashMap<>();

  /**
   * @param file where the dictionary is kept (empty: in memory only, retrained after a restart)
   * @param size the dictionary's size in bytes
   */
  ZstdDictionaries(Vertx vertx, Optional<Path> file, int size, LongSupplier clockMs,
                   BiFunction<URI, ZstdDictionary, Future<Integer>> offer) {
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

  /** Lines about to be sent: samples for the next training, which starts once enough were seen. */
  void observe(Buffer payload) {
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
        AtomicFile.write(file.get(), trained.bytes());
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
        // too few distinct samples, a full disk: the lines go as plain zstd; tried again after RETRAIN_AFTER
        trainedAtMs = clockMs.getAsLong();
        log.warn("zstd dictionary not trained: {}", ar.cause().toString());
      }
    });
  }

  /**
   * The dictionary this server took, if any; otherwise offers it (once, in the background) and the
   * batch goes as plain zstd meanwhile.
   */
  Optional<ZstdDictionary> forServer(URI server) {
    if (current == null) {
      return Optional.empty();
    }
    ServerState s = servers.get(server);
    if (s != null && s.dictionaryId.equals(current.id())) {
      switch (s.state) {
        case ACCEPTED:
          return Optional.of(current);
        case UNSUPPORTED, OFFERING:
          return Optional.empty();
        case FAILED:
          if (clockMs.getAsLong() - s.atMs < REOFFER_AFTER.toMillis()) {
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
   * The server answered that it does not know the dictionary (restarted, evicted): offers it again.
   * True when it took it (the batch may be resent with it).
   */
  Future<Boolean> reoffer(URI server, ZstdDictionary dictionary) {
    ServerState s = servers.get(server);
    if (s != null && s.dictionaryId.equals(dictionary.id()) && s.state == Offered.ACCEPTED) {
      servers.remove(server);
    }
    if (current == null || !current.id().equals(dictionary.id())) {
      return Future.succeededFuture(false);
    }
    return offer(server);
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
      if (s.state == Offered.UNSUPPORTED
          || s.state == Offered.FAILED && clockMs.getAsLong() - s.atMs < REOFFER_AFTER.toMillis()) {
        return Future.succeededFuture(false);
      }
    }
    return offer(server);
  }

  /** The server refused a dictionary body as an unknown encoding (415): plain zstd for it from now on. */
  void unsupported(URI server) {
    if (current != null) {
      servers.put(server, new ServerState(current.id(), Offered.UNSUPPORTED, clockMs.getAsLong()));
    }
    log.info("server {} does not take zstd dictionary bodies (415): sending it plain zstd", server);
  }

  /** What the server said to the current dictionary (tests, status). */
  Optional<Offered> state(URI server) {
    ServerState s = servers.get(server);
    return s == null || current == null || !s.dictionaryId.equals(current.id()) ? Optional.empty() : Optional.of(s.state);
  }

  private Future<Boolean> offer(URI server) {
    Future<Boolean> running = offering.get(server);
    if (running != null) {
      return running;
    }
    ZstdDictionary d = current;
    servers.put(server, new ServerState(d.id(), Offered.OFFERING, clockMs.getAsLong()));
    Future<Boolean> result = offer.apply(server, d).transform(ar -> {
      offering.remove(server);
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
      } else {
        outcome = Offered.FAILED;
        log.info("server {} did not take zstd dictionary {} (HTTP {}): plain zstd, offered again in {} s", server,
            d.id(), ar.result(), REOFFER_AFTER.toSeconds());
      }
      if (current == d) {
        servers.put(server, new ServerState(d.id(), outcome, clockMs.getAsLong()));
      }
      return Future.succeededFuture(outcome == Offered.ACCEPTED);
    });
    if (!result.isComplete()) {
      offering.put(server, result);
    }
    return result;
  }
}
