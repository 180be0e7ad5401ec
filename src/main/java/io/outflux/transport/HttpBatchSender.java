package io.outflux.transport;

import io.outflux.batch.Batch;
import io.outflux.metrics.BuildInfo;
import io.outflux.metrics.Human;
import io.outflux.protocol.BatchReply;
import io.outflux.protocol.ServerIdentity;
import io.outflux.protocol.WireProtocol;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sends one batch to one server over HTTP POST and classifies the answer. The exchange is given up
 * when nothing moves for {@code transport.stallTimeout} ({@link ProgressDeadline}), not after a
 * total time: the body goes out in slices, each one the connection takes is progress, and a silent
 * answer is checked with a health probe, so a slow link is used and a frozen server is left.
 *
 * <p>On a slow link the uploads in flight share it: the health probe has a connection pool of its
 * own (it never waits for one of the uploads' connections), the server's interim answers (100
 * Continue while the body arrives) and the progress of the other uploads to the same server count
 * as this body moving, and the answer timeout counts from the body's arrival, not from the moment
 * the local kernel took its last byte.
 */
public final class HttpBatchSender implements BatchSender {

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(HttpBatchSender.class);
  /** Small enough that an upload sharing a slow link with seven others shows progress every second or two. */
  private static final int SLICE = 16 * 1024;

  private final WebClient client;
  private final WebClient probes;
  private final HttpClient http;
  private final String clientId;
  private final InfluxTarget target;
  private final Duration timeout;
  private final Duration stallTimeout;
  private final Vertx vertx;
  private final Compression compression;
  /** zstd with a dictionary trained on this site's lines; null: none (not zstd, or transport.dictionarySize 0). */
  private final ZstdDictionaries dictionaries;
  /** Servers that answered 415 to a zstd body (older than zstd): they get gzip from then on. */
  private final Set<URI> noZstd = ConcurrentHashMap.newKeySet();
  /**
   * When bytes last moved to or from each server, over any of its exchanges: on a slow link a
   * health probe queues behind the other uploads, and their progress is the server's sign of life.
   */
  private final java.util.Map<URI, Long> lastActivity = new java.util.HashMap<>();
  /** When the link last took a slice of any upload to each server: a body's tail may queue behind it. */
  private final java.util.Map<URI, Long> lastUpload = new java.util.HashMap<>();

  /**
   * @param http the connections of the batches
   * @param probeHttp the health probes' own connections: a probe must not wait for a batch's
   */
  public HttpBatchSender(Vertx vertx, HttpClient http, HttpClient probeHttp, String clientId, InfluxTarget target,
                         Duration timeout, Duration stallTimeout, Compression compression) {
    this(vertx, http, probeHttp, clientId, target, timeout, stallTimeout, compression, 0, Optional.empty());
  }

  /**
   * With zstd, a dictionary of {@code dictionarySize} bytes trained on this site's lines
   * ({@link ZstdDictionaries}), kept in {@code dictionaryFile}; 0: plain zstd.
   */
  public HttpBatchSender(Vertx vertx, HttpClient http, HttpClient probeHttp, String clientId, InfluxTarget target,
                         Duration timeout, Duration stallTimeout, Compression compression, int dictionarySize,
                         Optional<java.nio.file.Path> dictionaryFile) {
    this.vertx = vertx;
    this.http = http;
    this.client = WebClient.wrap(http);
    this.probes = WebClient.wrap(probeHttp);
    this.clientId = clientId;
    this.target = target;
    this.timeout = timeout;
    this.stallTimeout = stallTimeout;
    this.compression = compression;
    this.dictionaries = compression == Compression.ZSTD && dictionarySize > 0
        ? new ZstdDictionaries(vertx, dictionaryFile, dictionarySize, System::currentTimeMillis, this::offer,
            () -> io.outflux.client.ClientMeters.of(clientId).dictionaryReoffers.increment())
        : null;
  }

  /** Reads the kept dictionary (before the first batch; nothing to do without one). */
  public Future<Void> start() {
    return dictionaries == null ? Future.succeededFuture() : dictionaries.load();
  }

  /** The dictionaries (tests). */
  Optional<ZstdDictionaries> dictionaries() {
    return Optional.ofNullable(dictionaries);
  }

  @Override
  public Future<SendResult> send(URI server, Batch batch) {
    Compression encoding = encodingFor(server);
    if (encoding == Compression.ZSTD && dictionaries != null) {
      dictionaries.observe(batch.seq(), batch.payload());
      Optional<ZstdDictionaries.Use> dictionary = dictionaries.forServer(server);
      if (dictionary.isPresent()) {
        return sendWithDictionary(server, batch, dictionary.get(), true);
      }
    }
    return sendFallingBack(server, batch, encoding);
  }

  private Future<SendResult> sendFallingBack(URI server, Batch batch, Compression encoding) {
    return send(server, batch, encoding, null).compose(result -> {
      if (encoding == Compression.ZSTD && result instanceof SendResult.Refused r && r.status() == 415) {
        // a server older than zstd: the same batch again, in gzip, and gzip for this server from now on
        noZstd.add(server);
        log.info("server {} does not take zstd bodies (415): sending gzip to it", server);
        return send(server, batch, Compression.GZIP, null);
      }
      return Future.succeededFuture(result);
    });
  }

  /**
   * A batch compressed with the dictionary the server took. A server that no longer holds it
   * (restarted, evicted) says so before it writes anything: the dictionary is offered again and the
   * same batch resent with it, once; if it is unknown again (another upload evicted it meanwhile), the
   * batch goes as plain zstd. A 415 (a server older than dictionaries behind the same address): plain
   * zstd from now on.
   */
  private Future<SendResult> sendWithDictionary(URI server, Batch batch, ZstdDictionaries.Use used, boolean reoffer) {
    ZstdDictionary dictionary = used.dictionary();
    return send(server, batch, Compression.ZSTD, dictionary).compose(result -> {
      if (result instanceof SendResult.Refused r && r.status() == 415) {
        dictionaries.unsupported(server);
        return sendFallingBack(server, batch, Compression.ZSTD);
      }
      return Future.succeededFuture(result);
    }, err -> {
      if (!(err instanceof UnknownDictionary)) {
        return Future.failedFuture(err);
      }
      unknownDictionaryAnswers.incrementAndGet();
      if (!reoffer) {
        return sendFallingBack(server, batch, Compression.ZSTD);
      }
      log.info("server {} does not hold zstd dictionary {}: offering it again and resending batch {}", server,
          dictionary.id(), batch.seq());
      return dictionaries.reoffer(server, used).compose(took -> took
          ? sendWithDictionary(server, batch, used, false)
          : sendFallingBack(server, batch, Compression.ZSTD));
    });
  }

  /** How often a server answered that it did not hold the dictionary of a batch (tests, status). */
  private final java.util.concurrent.atomic.AtomicLong unknownDictionaryAnswers = new java.util.concurrent.atomic.AtomicLong();

  long unknownDictionaryAnswers() {
    return unknownDictionaryAnswers.get();
  }

  /** The server does not hold the dictionary of the batch: nothing was decoded nor written. */
  private static final class UnknownDictionary extends RuntimeException {
    UnknownDictionary(String id) {
      super("server does not hold zstd dictionary " + id, null, false, false);
    }
  }

  /** The encoding this sender uses for a server now (zstd falls back to gzip after a 415). */
  Compression encodingFor(URI server) {
    return compression == Compression.ZSTD && noZstd.contains(server) ? Compression.GZIP : compression;
  }

  private Future<SendResult> send(URI server, Batch batch, Compression encoding, ZstdDictionary dictionary) {
    Future<Buffer> body = dictionary != null ? Zstd.compress(vertx, batch.payload(), dictionary) : switch (encoding) {
      case NONE -> Future.succeededFuture(batch.payload());
      case GZIP -> Gzip.compress(vertx, batch.payload());
      case ZSTD -> Zstd.compress(vertx, batch.payload());
    };
    return body.compose(b -> exchange(server, batch, b, encoding, dictionary))
        .recover(err -> err instanceof UnknownDictionary ? Future.failedFuture(err)
            : Future.succeededFuture(new SendResult.Retryable("cannot reach " + server + ": "
            + TlsFailure.explain(server, err).orElseGet(() -> describe(err)), Optional.empty())));
  }

  /** {@code PUT /api/v1/dictionaries/<id>}: the status of the answer. */
  private Future<Integer> offer(URI server, ZstdDictionary dictionary) {
    return DictionaryOffer.put(client, server, target, clientId, dictionary, timeout);
  }

  private Future<SendResult> exchange(URI server, Batch batch, Buffer body, Compression encoding,
                                      ZstdDictionary dictionary) {
    StringBuilder url = new StringBuilder(stripSlash(server.toString())).append(WireProtocol.BATCHES_PATH)
        .append('?').append(WireProtocol.PARAM_DB).append('=').append(enc(target.database()))
        .append('&').append(WireProtocol.PARAM_PRECISION).append('=').append(target.precision().configName());
    if (!target.retentionPolicy().isEmpty()) {
      url.append('&').append(WireProtocol.PARAM_RP).append('=').append(enc(target.retentionPolicy()));
    }
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url.toString())
        .setConnectTimeout(stallTimeout.toMillis())
        .putHeader(HttpHeaders.AUTHORIZATION, target.credentials().authorizationHeader())
        .putHeader(HttpHeaders.CONTENT_TYPE, WireProtocol.CONTENT_TYPE_LINES)
        .putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(body.length()))
        .putHeader(WireProtocol.HEADER_CLIENT_ID, clientId)
        .putHeader(WireProtocol.HEADER_SEQ, Long.toString(batch.seq()))
        .putHeader(WireProtocol.HEADER_CLIENT_VERSION, BuildInfo.version())
        .putHeader(WireProtocol.HEADER_BACKLOG_BYTES, Long.toString(batch.progress().backlogBytes()))
        .putHeader(WireProtocol.HEADER_BACKLOG_LINES, Long.toString(batch.progress().backlogLines()))
        .putHeader(WireProtocol.HEADER_LAG_SECONDS,
            String.format(java.util.Locale.ROOT, "%.3f", batch.progress().lagSeconds()));
    if (dictionary != null) {
      options.putHeader(HttpHeaders.CONTENT_ENCODING, io.outflux.protocol.DictionaryProtocol.CONTENT_ENCODING)
          .putHeader(io.outflux.protocol.DictionaryProtocol.HEADER_DICTIONARY, dictionary.id());
    } else if (encoding != Compression.NONE) {
      options.putHeader(HttpHeaders.CONTENT_ENCODING, encoding.contentEncoding());
    }
    if (batch.span() != null) {
      options.putHeader(WireProtocol.HEADER_SPAN, batch.span().encode()); // servers before version 2 ignore it
    }
    ProgressDeadline deadline = new ProgressDeadline(stallTimeout, timeout, System::nanoTime);
    Promise<SendResult> result = Promise.promise();
    HttpClientRequest[] request = new HttpClientRequest[1];
    long check = Math.max(20, stallTimeout.toMillis() / 8);
    Runnable moved = () -> {
      deadline.progress();
      lastActivity.put(server, System.nanoTime());
    };
    Runnable sliceTaken = () -> {
      moved.run();
      lastUpload.put(server, System.nanoTime());
    };
    long timer = vertx.setPeriodic(check, id -> {
      long recent = System.nanoTime() - stallTimeout.toNanos() / 2;
      if (lastUpload.getOrDefault(server, Long.MIN_VALUE) - recent > 0) {
        deadline.bodyMoving(); // the link still takes uploads to this server: this body's tail may queue behind them
      } else if (lastActivity.getOrDefault(server, Long.MIN_VALUE) - recent > 0) {
        deadline.probeAnswered(); // other exchanges with this server move: it is alive, the link is busy
      }
      switch (deadline.check()) {
        case PROBE -> probe(server).onSuccess(v -> {
          deadline.probeAnswered();
          lastActivity.put(server, System.nanoTime());
        });
        case STALLED -> {
          if (result.tryComplete(new SendResult.Retryable("server " + server + " stopped answering: "
              + deadline.reason(), Optional.empty())) && request[0] != null) {
            io.outflux.client.ClientMeters.of(clientId).stalls.increment();
            request[0].reset();
          }
        }
        default -> { }
      }
    });
    http.request(options).onSuccess(req -> {
      request[0] = req;
      // the server's interim answer while the body arrives: it received more of it
      req.continueHandler(v -> {
        deadline.bodyMoving();
        lastActivity.put(server, System.nanoTime());
      });
      req.response().onSuccess(resp -> {
        moved.run();
        Buffer answer = Buffer.buffer();
        resp.handler(chunk -> {
          moved.run();
          answer.appendBuffer(chunk);
        });
        resp.exceptionHandler(err -> result.tryFail(err));
        resp.endHandler(v -> {
          if (dictionary != null && resp.statusCode() == io.outflux.protocol.DictionaryProtocol.STATUS_UNKNOWN
              && resp.getHeader(io.outflux.protocol.DictionaryProtocol.HEADER_UNKNOWN) != null) {
            result.tryFail(new UnknownDictionary(dictionary.id()));
            return;
          }
          result.tryComplete(classify(resp.statusCode(), resp.statusMessage(), resp::getHeader, answer));
        });
      }).onFailure(result::tryFail);
      writeSlices(req, body, 0, sliceTaken)
          .compose(v -> req.end())
          .onSuccess(v -> deadline.uploaded())
          .onFailure(result::tryFail);
    }).onFailure(result::tryFail);
    return result.future().onComplete(ar -> vertx.cancelTimer(timer));
  }

  /** Writes the body slice by slice, each one taken by the connection counting as progress. */
  private static Future<Void> writeSlices(HttpClientRequest req, Buffer body, int from, Runnable moved) {
    if (from >= body.length()) {
      return Future.succeededFuture();
    }
    int to = Math.min(body.length(), from + SLICE);
    return req.write(body.slice(from, to)).compose(v -> {
      moved.run();
      return writeSlices(req, body, to, moved);
    });
  }

  /** A health check on a connection of its own: does the server still answer at all? */
  private Future<Void> probe(URI server) {
    return probes.getAbs(stripSlash(server.toString()) + WireProtocol.HEALTH_PATH)
        .timeout(stallTimeout.toMillis())
        .send()
        .mapEmpty();
  }

  private static String enc(String s) {
    return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
  }

  /** The goodbye of a stopping client: an empty batch saying so (the server writes nothing for it). */
  public Future<Void> goodbye(URI server, io.outflux.batch.Progress progress) {
    return client.postAbs(stripSlash(server.toString()) + WireProtocol.BATCHES_PATH)
        .addQueryParam(WireProtocol.PARAM_DB, target.database())
        .putHeader(HttpHeaders.AUTHORIZATION.toString(), target.credentials().authorizationHeader())
        .putHeader(WireProtocol.HEADER_CLIENT_ID, clientId)
        .putHeader(WireProtocol.HEADER_CLIENT_VERSION, BuildInfo.version())
        .putHeader(WireProtocol.HEADER_CLIENT_STATE, WireProtocol.STATE_STOPPED)
        .putHeader(WireProtocol.HEADER_BACKLOG_BYTES, Long.toString(progress.backlogBytes()))
        .putHeader(WireProtocol.HEADER_BACKLOG_LINES, Long.toString(progress.backlogLines()))
        .putHeader(WireProtocol.HEADER_LAG_SECONDS, String.format(java.util.Locale.ROOT, "%.3f", progress.lagSeconds()))
        .timeout(GOODBYE_TIMEOUT_MS)
        .sendBuffer(Buffer.buffer())
        .mapEmpty();
  }

  /** A stopping client waits this long for the server to take its goodbye. */
  public static final long GOODBYE_TIMEOUT_MS = 2_000;

  static SendResult classify(int status, String statusMessage, java.util.function.Function<String, String> header,
                             Buffer body) {
    if (status == 200) {
      try {
        return new SendResult.Acked(BatchReply.fromJson(body.toJsonObject()));
      } catch (DecodeException | IllegalArgumentException | NullPointerException | ClassCastException e) {
        return new SendResult.Retryable("server answered 200 with an unreadable body: " + e.getMessage(), Optional.empty());
      }
    }
    Optional<String> influxDb = ServerIdentity.influxDb(header::apply);
    return SendResult.ofStatus(status, influxDb.orElseGet(() -> errorText(statusMessage, body)),
        retryAfter(header.apply("Retry-After")));
  }

  private static String errorText(String statusMessage, Buffer body) {
    if (body == null || body.length() == 0) {
      return statusMessage;
    }
    try {
      JsonObject json = body.toJsonObject();
      return Human.snippet(json.getString("error", body.toString()), 500);
    } catch (DecodeException | ClassCastException e) {
      return Human.snippet(body.toString());
    }
  }

  /** A Retry-After header's delay in seconds; empty when absent or not a number. */
  static Optional<Duration> retryAfter(String value) {
    if (value == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Duration.ofSeconds(Long.parseLong(value.trim())));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static String describe(Throwable err) {
    String msg = err.getMessage();
    return msg == null ? err.getClass().getSimpleName() : msg;
  }

  private static String stripSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }
}
