package io.outflux.transport;

import io.outflux.batch.Batch;
import io.outflux.batch.Progress;
import io.outflux.protocol.BatchReply;
import io.outflux.protocol.StreamEncoding;
import io.outflux.protocol.StreamProtocol;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends batches over one long-lived WebSocket ({@code GET /api/v1/stream}, upgraded) and matches the
 * server's ack messages to them by seq, so several batches are in flight on one connection. The
 * connection is opened on the first send and reopened on the next send after it broke; batches
 * that were waiting for an ack when it broke come back as {@link SendResult.Retryable} and the
 * transport resends them. Pings keep the link alive through proxies and notice a dead peer.
 * Event-loop confined: call it from the transport's context only.
 */
public final class WebSocketBatchSender implements BatchSender {

  private static final Logger log = LoggerFactory.getLogger(WebSocketBatchSender.class);
  /** A link that answered nothing (not even a pong) for this many ping intervals is closed. */
  private static final int SILENT_PINGS = 3;
  private final Vertx vertx;
  private final WebSocketClient client;
  private final String clientId;
  private final InfluxTarget target;
  private final TransportConfig config;
  private final Runnable onFlushRequest;
  private final AwaitingAcks waiting = new AwaitingAcks();

  private URI connectedTo;
  private Future<WebSocket> connection;
  /** The server of the open stream agreed to stream version 2: batch messages carry their span. */
  private boolean spans;
  private long pingTimer = -1;
  private long lastHeard;
  private long lastPing;
  /** Batch frames handed to the connection and not yet taken by it: bytes are still leaving. */
  private int pendingWrites;
  private final ReportPacer reports = new ReportPacer();
  /** With transport.compression zstd and a dictionary size: the site's dictionary; null otherwise. */
  private final ZstdDictionaries dictionaries;
  /** The server of the open stream agreed to zstd payloads (its 101 said so). */
  private boolean zstd;
  /** The dictionary the server of the open stream holds for it; null: plain zstd. */
  private ZstdDictionary streamDictionary;
  /** A dictionary message is on its way on the open stream (at most one at a time). */
  private String askedDictionary;
  /**
   * The open stream's server said it did not hold the dictionary, and it was offered again: a second
   * such answer on this stream leaves it plain zstd (a server or cluster map that keeps losing it would
   * otherwise be sent the dictionary again and again, as fast as it answers).
   */
  private boolean reofferedOnStream;

  public WebSocketBatchSender(Vertx vertx, WebSocketClient client, String clientId, InfluxTarget target,
                              TransportConfig config, Runnable onFlushRequest) {
    this(vertx, client, clientId, target, config, onFlushRequest, null, Optional.empty());
  }

  /**
   * @param offers the HTTP connections that offer the dictionary ({@code PUT /api/v1/dictionaries});
   *     null: no dictionary on streams
   * @param dictionaryFile where the dictionary is kept ({@link ZstdDictionaries})
   */
  public WebSocketBatchSender(Vertx vertx, WebSocketClient client, String clientId, InfluxTarget target,
                              TransportConfig config, Runnable onFlushRequest,
                              io.vertx.core.http.HttpClient offers, Optional<java.nio.file.Path> dictionaryFile) {
    this(vertx, client, clientId, target, config, onFlushRequest, offers, dictionaryFile, System::currentTimeMillis);
  }

  /** @param clockMs the dictionary offers' clock ({@link ZstdDictionaries}; tests) */
  WebSocketBatchSender(Vertx vertx, WebSocketClient client, String clientId, InfluxTarget target,
                       TransportConfig config, Runnable onFlushRequest, io.vertx.core.http.HttpClient offers,
                       Optional<java.nio.file.Path> dictionaryFile, java.util.function.LongSupplier clockMs) {
    io.vertx.ext.web.client.WebClient web = offers == null ? null : io.vertx.ext.web.client.WebClient.wrap(offers);
    this.dictionaries = web != null && config.compression() == Compression.ZSTD && config.dictionarySize() > 0
        ? new ZstdDictionaries(vertx, dictionaryFile, config.dictionarySize(), clockMs,
            (server, d) -> DictionaryOffer.put(web, server, target, clientId, d, config.requestTimeout()),
            () -> io.outflux.client.ClientMeters.of(clientId).dictionaryReoffers.increment())
        : null;
    this.vertx = vertx;
    this.client = client;
    this.clientId = clientId;
    this.target = target;
    this.config = config;
    this.onFlushRequest = onFlushRequest;
  }

  /** Reads the kept dictionary (before the first batch; nothing to do without one). */
  public Future<Void> start() {
    return dictionaries == null ? Future.succeededFuture() : dictionaries.load();
  }

  /** The dictionaries (tests). */
  Optional<ZstdDictionaries> dictionaries() {
    return Optional.ofNullable(dictionaries);
  }

  /** The dictionary the open stream's batches are compressed with (tests). */
  Optional<ZstdDictionary> streamDictionary() {
    return Optional.ofNullable(streamDictionary);
  }

  @Override
  public Future<SendResult> send(URI server, Batch batch) {
    if (dictionaries != null) {
      dictionaries.observe(batch.seq(), batch.payload());
    }
    return connection(server)
        .compose(ws -> {
          // the encoding the open stream agreed to: zstd (with its dictionary once the server holds it), else gzip
          if (zstd && streamDictionary == null) {
            askForDictionary(ws, server);
          }
          ZstdDictionary d = streamDictionary;
          StreamProtocol.Payload encoding = StreamEncoding.payload(zstd, d != null, config.gzip());
          Future<Buffer> payload = switch (encoding) {
            case ZSTD_DICTIONARY -> Zstd.compress(vertx, batch.payload(), d);
            case ZSTD -> Zstd.compress(vertx, batch.payload());
            case GZIP -> Gzip.compress(vertx, batch.payload());
            case PLAIN -> Future.succeededFuture(batch.payload());
          };
          return payload.compose(p -> write(ws, server, batch, p, encoding));
        })
        .otherwise(err -> StreamUpgrade.failure(server, err));
  }

  /**
   * On a zstd stream, once there is a dictionary the server took ({@code PUT}, offered now if need
   * be): asks the server to use it on this stream. Its answer switches the batches to it.
   */
  private void askForDictionary(WebSocket ws, URI server) {
    if (dictionaries == null || askedDictionary != null || dictionaries.current().isEmpty()) {
      return;
    }
    ZstdDictionary d = dictionaries.current().get();
    askedDictionary = d.id();
    dictionaries.offered(server).onComplete(ar -> {
      if (ar.succeeded() && ar.result() && isOpen(ws) && d.id().equals(askedDictionary)) {
        ws.writeTextMessage(StreamProtocol.dictionary(d.id()).encode());
      } else if (isOpen(ws) && d.id().equals(askedDictionary)) {
        askedDictionary = null; // not taken (yet): asked again with a later batch, the offer paced by ZstdDictionaries
      }
    });
  }

  private boolean isOpen(WebSocket ws) {
    return connection != null && connection.succeeded() && connection.result() == ws && !ws.isClosed();
  }

  /** The server's answer to a dictionary message: use it from now on, or offer it again (it lost it). */
  private void onDictionaryAnswer(URI server, JsonObject json) {
    String id = json.getString(StreamProtocol.DICTIONARY_ID, "");
    if (!id.equals(askedDictionary) || dictionaries == null || dictionaries.current().isEmpty()
        || !dictionaries.current().get().id().equals(id)) {
      return;
    }
    ZstdDictionary d = dictionaries.current().get();
    if (json.getBoolean(StreamProtocol.DICTIONARY_HELD, false)) {
      streamDictionary = d;
      log.info("streaming to {} with zstd dictionary {}", server, d);
      return;
    }
    if (reofferedOnStream) {
      // askedDictionary stays set: not asked again on this stream (a new stream starts afresh)
      log.info("server {} again does not hold zstd dictionary {} it took again: plain zstd on this stream", server, id);
      return;
    }
    log.info("server {} does not hold zstd dictionary {}: offering it again", server, id);
    reofferedOnStream = true;
    WebSocket ws = connection.result();
    dictionaries.reoffer(server, d).onComplete(ar -> {
      if (!isOpen(ws) || !id.equals(askedDictionary)) {
        return;
      }
      if (ar.succeeded() && ar.result()) {
        ws.writeTextMessage(StreamProtocol.dictionary(id).encode());
      } else {
        askedDictionary = null; // not taken (yet): asked again with a later batch, the offer paced by ZstdDictionaries
      }
    });
  }

  /** The last report of a stopping client: its figures, marked stopped. */
  public void goodbye(Progress progress) {
    if (connection != null && connection.succeeded() && !connection.result().isClosed()) {
      connection.result().writeTextMessage(StreamProtocol.report(progress.backlogBytes(), progress.backlogLines(),
          progress.lagSeconds()).put(StreamProtocol.REPORT_STATE, io.outflux.protocol.WireProtocol.STATE_STOPPED).encode());
    }
  }

  /**
   * Tells the server the client's backlog and lag (for its fleet view) over the open stream, as
   * often as {@link ReportPacer} allows; without an open stream there is no one to tell.
   */
  public void report(Progress progress) {
    if (connection == null || !connection.succeeded() || connection.result().isClosed()
        || !reports.due(progress, System.nanoTime())) {
      return;
    }
    connection.result().writeTextMessage(StreamProtocol.report(progress.backlogBytes(), progress.backlogLines(),
        progress.lagSeconds()).encode());
  }

  /** Closes the connection (at stop); waiting batches fail as retryable. */
  public void close() {
    if (connection != null && connection.succeeded()) {
      connection.result().close();
    }
    disconnected("the client is stopping");
  }

  private Future<SendResult> write(WebSocket ws, URI server, Batch batch, Buffer payload,
                                   StreamProtocol.Payload encoding) {
    Promise<SendResult> result = Promise.promise();
    waiting.add(batch.seq(), result, payload.length());
    if (waiting.size() == 1) {
      lastHeard = System.nanoTime(); // an answer is expected from now on
    }
    pendingWrites++;
    ws.writeBinaryMessage(StreamProtocol.encodeBatch(batch.seq(), batch.lines(), encoding,
            spans ? batch.span() : null, payload))
        .onComplete(ar -> pendingWrites--)
        .onFailure(err -> fail(batch.seq(), result, "writing to " + server + " failed: " + err.getMessage()));
    long timer = vertx.setTimer(config.requestTimeout().toMillis(), id -> {
      if (fail(batch.seq(), result, "no ack from " + server + " within " + config.requestTimeout().toMillis() + " ms")) {
        ws.close((short) 1001, "ack timeout");
      }
    });
    return result.future().onComplete(ar -> vertx.cancelTimer(timer));
  }

  private boolean fail(long seq, Promise<SendResult> result, String reason) {
    waiting.forget(seq, result);
    return result.tryComplete(new SendResult.Retryable(reason, Optional.empty()));
  }

  private Future<WebSocket> connection(URI server) {
    if (connection != null && !server.equals(connectedTo)) {
      log.info("moving the stream from {} to {}", connectedTo, server);
      Future<WebSocket> old = connection;
      connection = null;
      old.onSuccess(WebSocket::close);
      disconnected("moved to " + server);
    }
    if (connection == null) {
      connectedTo = server;
      Future<WebSocket> f = bounded(client.connect(StreamUpgrade.options(server, clientId, target,
          config.stallTimeout(), config.compression() == Compression.ZSTD)), server);
      connection = f;
      f.onSuccess(ws -> attach(server, ws)).onFailure(err -> {
        if (connection == f) {
          connection = null;
        }
      });
    }
    return connection;
  }

  /**
   * The upgrade, bounded by {@code transport.stallTimeout}: a frozen server accepts the TCP
   * connection (its kernel does) but never answers the upgrade. A connection that succeeds after
   * the bound is closed at once.
   */
  private Future<WebSocket> bounded(Future<WebSocket> connect, URI server) {
    Promise<WebSocket> bounded = Promise.promise();
    long timer = vertx.setTimer(config.stallTimeout().toMillis(), id -> bounded.tryFail(
        new java.util.concurrent.TimeoutException("server " + server + " stopped answering: no answer to the stream's "
            + "upgrade within " + config.stallTimeout().toMillis() + " ms")));
    connect.onComplete(ar -> {
      vertx.cancelTimer(timer);
      if (ar.succeeded() && !bounded.tryComplete(ar.result())) {
        ar.result().close();
      } else if (ar.failed()) {
        bounded.tryFail(ar.cause());
      }
    });
    return bounded.future();
  }

  private void attach(URI server, WebSocket ws) {
    spans = StreamUpgrade.speaksSpans(ws);
    zstd = StreamEncoding.agreed(config.compression() == Compression.ZSTD,
        ws.headers() == null ? null : ws.headers().get(StreamProtocol.HEADER_STREAM_ENCODING));
    streamDictionary = null;
    askedDictionary = null;
    reofferedOnStream = false;
    log.info("streaming to {} over a WebSocket (stream version {}, {} payloads)", server,
        spans ? StreamProtocol.VERSION_SPAN : 1, zstd ? "zstd" : config.gzip() ? "gzip" : "plain");
    lastHeard = System.nanoTime();
    ws.textMessageHandler(text -> onText(server, text));
    ws.pongHandler(pong -> lastHeard = System.nanoTime());
    ws.exceptionHandler(err -> log.debug("stream to {}: {}", server, err.toString()));
    ws.closeHandler(v -> {
      String why = ws.closeStatusCode() == null ? "" : " (" + ws.closeStatusCode() + " " + ws.closeReason() + ")";
      if (connection != null && connection.succeeded() && connection.result() == ws) {
        connection = null;
        log.warn("stream to {} closed{}; {} batches wait to be resent", server, why, waiting.size());
        // over the server's body limit: the largest batch waiting is answered 413 (split), the others resent
        if (Short.valueOf((short) 1009).equals(ws.closeStatusCode())) {
          waiting.refuseLargest("the stream to " + server + " closed" + why);
        }
        disconnected("the stream to " + server + " closed" + why);
      }
    });
    long intervalMs = config.pingInterval().toMillis();
    long stallMs = config.stallTimeout().toMillis();
    vertx.cancelTimer(pingTimer);
    lastPing = System.nanoTime();
    // heartbeats: a ping each pingInterval when idle, each half stallTimeout while batches wait for acks
    pingTimer = vertx.setPeriodic(Math.max(10, Math.min(intervalMs, stallMs / 2)), id -> {
      if (connection == null || !connection.succeeded() || connection.result() != ws) {
        vertx.cancelTimer(id);
        return;
      }
      long now = System.nanoTime();
      long silentMs = (now - lastHeard) / 1_000_000;
      if (!waiting.isEmpty() && pendingWrites == 0 && silentMs >= stallMs) {
        log.warn("server {} stopped answering: no ack, pong or message for {} ms while {} batches wait; "
            + "reconnecting", server, silentMs, waiting.size());
        io.outflux.client.ClientMeters.of(clientId).stalls.increment();
        disconnectedNow(ws, "server " + server + " stopped answering for " + silentMs + " ms (transport.stallTimeout)");
        return;
      }
      if (silentMs > intervalMs * SILENT_PINGS) {
        log.warn("stream to {} silent for {} pings; reconnecting", server, SILENT_PINGS);
        disconnectedNow(ws, "the stream to " + server + " was silent for " + SILENT_PINGS + " pings");
        return;
      }
      if (!waiting.isEmpty() || now - lastPing >= Duration.ofMillis(intervalMs).toNanos()) {
        lastPing = now;
        ws.writePing(Buffer.buffer("outflux"));
      }
    });
  }

  /**
   * Gives up a stream whose peer stopped answering without waiting for the close handshake (a
   * frozen peer never completes it): the waiting batches fail at once and go elsewhere.
   */
  private void disconnectedNow(WebSocket ws, String reason) {
    if (connection != null && connection.succeeded() && connection.result() == ws) {
      connection = null;
    }
    disconnected(reason);
    ws.close((short) 1001, "no answer");
  }

  private void disconnected(String reason) {
    vertx.cancelTimer(pingTimer);
    waiting.failAll(reason);
  }

  private void onText(URI server, String text) {
    lastHeard = System.nanoTime();
    JsonObject json;
    try {
      json = new JsonObject(text);
    } catch (DecodeException e) {
      log.warn("unreadable message from {}: {}", server, text.length() > 200 ? text.substring(0, 200) : text);
      return;
    }
    String type = json.getString(StreamProtocol.TYPE, "");
    if (StreamProtocol.TYPE_DICTIONARY.equals(type)) {
      onDictionaryAnswer(server, json);
      return;
    }
    if (StreamProtocol.TYPE_FLUSH.equals(type)) {
      log.info("the server {} asked for a flush", server);
      onFlushRequest.run();
      return;
    }
    Long seq = json.getLong("seq");
    Promise<SendResult> p = seq == null ? null : waiting.take(seq);
    if (p == null) {
      return; // an answer to a batch that already timed out and is being resent
    }
    if (StreamProtocol.TYPE_ACK.equals(type)) {
      try {
        p.tryComplete(new SendResult.Acked(BatchReply.fromJson(json)));
      } catch (IllegalArgumentException e) {
        p.tryComplete(new SendResult.Retryable("unreadable ack from " + server + ": " + e.getMessage(), Optional.empty()));
      }
    } else {
      Long retryAfter = json.getLong("retryAfter");
      p.tryComplete(SendResult.ofStatus(json.getInteger("status", 500), json.getString("error", "no reason given"),
          Optional.ofNullable(retryAfter).map(Duration::ofSeconds)));
    }
  }
}
