package io.outflux.server;

import io.outflux.protocol.ClientId;
import io.outflux.protocol.Credentials;
import io.outflux.protocol.LogSafe;
import io.outflux.lineprotocol.Precision;
import io.outflux.protocol.StreamProtocol;
import io.outflux.protocol.StreamProtocol.BatchFrame;
import io.outflux.protocol.WireProtocol;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/v1/stream} upgraded to a WebSocket: the streaming face of {@link BatchIngest}.
 * The credentials are checked before the upgrade (a refused user gets a plain 401, as on POST);
 * after it, each binary batch message goes through the same ingest as a POSTed batch and is
 * answered with an ack or nack message carrying its seq. A stream version 2 batch carries its span, and
 * goes the way of a POST with an {@code Outflux-Span} header (the stored prefix of a resent range is
 * skipped, see {@link SpanCut}). Batches of one connection are ingested
 * concurrently, so answers may come out of order; the client matches them by seq.
 *
 * <p>A request on the node-local {@link ServerBus#STREAM_FLUSH} (a {@link JsonObject}, optionally
 * with {@code "clientId"} to pick one client) sends a flush message to the streaming clients
 * connected to this node and replies with how many were asked; the cluster-wide flush
 * ({@code io.outflux.cluster.ClusterFlush}) drives it on every node.
 */
final class StreamHandler implements Handler<RoutingContext> {

  private static final Logger log = LoggerFactory.getLogger(StreamHandler.class);

  private static final String TRANSPORT = "websocket";

  private final Vertx vertx;
  private final BatchIngest ingest;
  private final NodeGuards guards;
  private final Runnable removeFlusher;
  private final boolean ownsFlushConsumer;
  private final long maxBodySize;
  private final int maxStreams;
  private final int maxStreamsPerClient;
  private final DictionaryStore dictionaries;
  private final Set<Stream> streams = new HashSet<>();
  /** Batches of each stream handed to ingest and not answered yet. */
  private final Map<Stream, Integer> inFlight = new HashMap<>();
  /** Set once the node stops: completes when the last stream is closed. */
  private Promise<Void> drained;

  /**
   * @param report the client's latest report message, sent along with each of its batches to the fleet view
   * @param dictionary the zstd dictionary agreed on this stream (a dictionary message); held for the
   *     stream's life, so its batches never find it evicted
   */
  private record Stream(ServerWebSocket ws, String clientId, String clientKey, String remoteHost, Credentials credentials,
                        Optional<String> certificate, String database,
                        String retentionPolicy, Precision precision, AtomicReference<ClientReport> report,
                        AtomicReference<com.github.luben.zstd.ZstdDictDecompress> dictionary) {
  }

  StreamHandler(Vertx vertx, BatchIngest ingest, FrontConfig config) {
    this.vertx = vertx;
    this.ingest = ingest;
    this.guards = ingest.guards();
    this.maxBodySize = config.maxBodySize();
    this.maxStreams = config.maxStreams();
    this.maxStreamsPerClient = config.maxStreamsPerClient();
    this.dictionaries = DictionaryStore.of(vertx);
    // every front instance flushes its own streams; one consumer per node asks them all
    removeFlusher = guards.addStreamFlusher(vertx.getOrCreateContext(), this::flushStreams);
    ownsFlushConsumer = guards.claim(ServerBus.STREAM_FLUSH);
    if (ownsFlushConsumer) {
      vertx.eventBus().<Object>localConsumer(ServerBus.STREAM_FLUSH, msg -> guards.flushStreams(msg.body())
          .onSuccess(msg::reply));
    }
    io.micrometer.core.instrument.Gauge.builder("outflux_server_streams", guards.streams, StreamRegistry::size)
        .description("streaming clients connected to this node").register(io.outflux.metrics.Metrics.registry());
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    Optional<UpgradeRequest> read = UpgradeRequest.read(ctx);
    if (read.isEmpty()) {
      return;
    }
    UpgradeRequest up = read.get();
    Optional<Credentials> credentials = Optional.of(up.credentials());
    String db = up.database();
    Precision precision = up.precision();
    String clientId = up.clientId();
    Optional<String> certificate = CertificateName.of(req);
    SiteConfig.Target target = ingest.route(clientId, certificate, db, up.retentionPolicy());
    String routedDb = target.database();
    String rp = target.retentionPolicy();
    String remote = up.remoteHost();
    if (drained != null || guards.draining()) {
      refuse(ctx, 503, "this node is stopping; connect to another node", Optional.of(java.time.Duration.ofSeconds(1)));
      return;
    }
    String clientKey = ingest.clientKey(credentials.get(), clientId);
    StreamRegistry.Refusal full = guards.streams.reserve(clientKey, maxStreams, maxStreamsPerClient);
    if (full == StreamRegistry.Refusal.NODE_FULL) {
      refuse(ctx, 503, "this node holds " + maxStreams + " streams already (http.maxStreams); try another node",
          Optional.of(java.time.Duration.ofSeconds(5)));
      return;
    }
    if (full == StreamRegistry.Refusal.CLIENT_FULL) {
      refuse(ctx, 429, "client " + clientId + " has " + maxStreamsPerClient + " streams open already (http.maxStreamsPerClient)",
          Optional.of(java.time.Duration.ofSeconds(5)));
      return;
    }
    req.pause();
    ingest.admit(credentials.get(), routedDb, rp, remote, clientId).onComplete(ar -> {
      if (ar.failed() || ar.result().isPresent()) {
        guards.streams.release(clientKey);
        IngestOutcome.NotStored n = ar.failed()
            ? new IngestOutcome.NotStored(503, "cannot check credentials: " + ar.cause().getMessage(), Optional.empty())
            : ar.result().get();
        refuse(ctx, n.status(), n.message(), n.retryAfter());
      } else {
        if (StreamProtocol.speaksSpans(req.getHeader(StreamProtocol.HEADER_STREAM_VERSION))) {
          // the 101 says so (Vert.x sends the response's headers with it): the client may now send spans
          req.response().putHeader(StreamProtocol.HEADER_STREAM_VERSION, Integer.toString(StreamProtocol.VERSION_SPAN));
        }
        // zstd payloads (and a dictionary agreed on the stream): the client sets those flags only after this
        io.outflux.protocol.StreamEncoding.answer(req.getHeader(StreamProtocol.HEADER_STREAM_ENCODING))
            .ifPresent(agreed -> req.response().putHeader(StreamProtocol.HEADER_STREAM_ENCODING, agreed));
        req.toWebSocket()
            .onSuccess(ws -> attach(new Stream(ws, clientId, clientKey, remote, credentials.get(), certificate, routedDb, rp, precision,
                new AtomicReference<>(ClientReport.NONE), new AtomicReference<>())))
            .onFailure(err -> {
              guards.streams.release(clientKey);
              log.warn("WebSocket upgrade for client {} failed: {}", clientId, LogSafe.of(err.toString()));
            });
      }
    });
  }

  private static void refuse(RoutingContext ctx, int status, String message, Optional<java.time.Duration> retryAfter) {
    retryAfter.ifPresent(d -> ctx.response().putHeader("Retry-After", Long.toString(Math.max(1, d.toSeconds()))));
    BatchHandler.error(ctx, status, message);
    ctx.request().resume();
  }

  private void attach(Stream stream) {
    streams.add(stream);
    Context context = vertx.getOrCreateContext();
    StreamRegistry.Open registered = new StreamRegistry.Open(ingest.guards().cache.key(stream.credentials()),
        stream.clientKey(), () -> context.runOnContext(v -> {
          if (!stream.ws().isClosed()) {
            // the client reconnects, and its upgrade is checked again (and refused, if InfluxDB still refuses)
            stream.ws().close((short) 1008, "InfluxDB refused a write with these credentials");
          }
        }));
    guards.streams.attach(registered);
    log.info("client {} streams to database {} ({} streams on this node)", stream.clientId(),
        LogSafe.of(stream.database()), guards.streams.size());
    ServerWebSocket ws = stream.ws();
    ws.binaryMessageHandler(message -> onBatch(stream, message));
    ws.textMessageHandler(text -> onText(stream, text));
    // e.g. a message over http.maxBodySize: Vert.x drops it and reports here; close the stream with
    // a status that says so, rather than leave the client waiting for an answer that never comes
    ws.exceptionHandler(err -> {
      log.info("closing the stream of client {}: {}", stream.clientId(), LogSafe.of(err.getMessage()));
      if (!ws.isClosed()) {
        ws.close((short) 1009, "message too large or malformed (http.maxBodySize " + maxBodySize + " bytes)");
      }
    });
    ws.closeHandler(v -> {
      streams.remove(stream);
      guards.streams.detach(registered);
      guards.streams.release(stream.clientKey());
      inFlight.remove(stream);
      log.info("client {} closed its stream", stream.clientId());
      if (drained != null && streams.isEmpty()) {
        drained.tryComplete();
      }
    });
  }

  /**
   * A stopping node: no new streams; each open stream answers the batches it already received,
   * refuses further ones (503, so the client sends them to another node) and is closed with 1001
   * once nothing of it is in flight. Completes when every stream is closed, with how many there were.
   * Called once, by the front's drain.
   */
  /** The front instance stops (its consumers go with its deployment). */
  void close() {
    removeFlusher.run();
    if (ownsFlushConsumer) {
      guards.release(ServerBus.STREAM_FLUSH);
    }
  }

  Future<Integer> drain() {
    drained = Promise.promise();
    int open = streams.size();
    List.copyOf(streams).forEach(this::closeIfIdle);
    if (streams.isEmpty()) {
      drained.tryComplete();
    }
    return drained.future().map(open);
  }

  private void closeIfIdle(Stream stream) {
    if (inFlight.getOrDefault(stream, 0) == 0 && !stream.ws().isClosed()) {
      stream.ws().close((short) 1001, "server stopping");
    }
  }

  private void onBatch(Stream stream, Buffer message) {
    BatchFrame frame;
    try {
      frame = StreamProtocol.decodeBatch(message);
    } catch (IllegalArgumentException e) {
      long seq = message.length() >= 10 ? message.getLong(2) : 0;
      answer(stream, StreamProtocol.nack(seq, 400, e.getMessage(), Optional.empty()));
      return;
    }
    if (drained != null) {
      answer(stream, StreamProtocol.nack(frame.seq(), 503, "server stopping; send to another node",
          Optional.of(java.time.Duration.ofSeconds(1))));
      return;
    }
    inFlight.merge(stream, 1, Integer::sum);
    com.github.luben.zstd.ZstdDictDecompress dictionary = stream.dictionary().get();
    Future<Buffer> lines = switch (frame.encoding()) {
      case GZIP -> GzipBody.inflate(vertx, frame.payload(), maxBodySize);
      case ZSTD -> GzipBody.inflateZstd(vertx, frame.payload(), maxBodySize);
      case ZSTD_DICTIONARY -> dictionary == null
          ? Future.failedFuture(new GzipBody.Corrupt("a zstd dictionary payload on a stream without an agreed dictionary"))
          : GzipBody.inflateZstd(vertx, frame.payload(), maxBodySize, dictionary);
      case PLAIN -> Future.succeededFuture(frame.payload());
    };
    lines.compose(payload -> ingest(stream, frame, payload))
        .recover(err -> Future.succeededFuture(StreamProtocol.nack(frame.seq(),
            GzipBody.status(err), err.getMessage(), Optional.empty())))
        .onSuccess(reply -> answer(stream, reply))
        .onComplete(done -> {
          // after the answer above, so a stopping node closes the stream behind its last ack
          inFlight.computeIfPresent(stream, (s, n) -> n > 1 ? n - 1 : null);
          if (drained != null) {
            closeIfIdle(stream);
          }
        });
  }

  /** The ack or nack for one decoded batch. */
  private Future<JsonObject> ingest(Stream stream, BatchFrame frame, Buffer lines) {
    long seq = frame.seq();
    if (lines.length() > maxBodySize) {
      return Future.succeededFuture(StreamProtocol.nack(seq, 413,
          "batch larger than http.maxBodySize (" + maxBodySize + " bytes)", Optional.empty()));
    }
    IncomingBatch batch = new IncomingBatch(stream.clientId(), seq, stream.credentials(), stream.database(),
        stream.retentionPolicy(), stream.precision(), lines, stream.certificate(), frame.span());
    return ingest.ingest(batch, stream.remoteHost(), stream.report().get(), TRANSPORT).map(outcome -> {
      if (outcome instanceof IngestOutcome.Acked acked) {
        return StreamProtocol.ack(acked.reply());
      }
      IngestOutcome.NotStored n = (IngestOutcome.NotStored) outcome;
      return StreamProtocol.nack(seq, n.status(), n.message(), n.retryAfter());
    });
  }

  /**
   * A report message updates the client's fleet entry (the fleet view itself writes at most once a
   * second per client, so a chatty client costs a JSON parse, not a cluster-map write). Anything
   * else is ignored: unknown message types are room for later protocol versions.
   */
  private void onText(Stream stream, String text) {
    JsonObject json;
    try {
      json = new JsonObject(text);
    } catch (DecodeException e) {
      log.debug("ignoring an unreadable text message from client {}", stream.clientId());
      return;
    }
    if (StreamProtocol.TYPE_DICTIONARY.equals(json.getValue(StreamProtocol.TYPE))) {
      onDictionary(stream, json.getValue(StreamProtocol.DICTIONARY_ID));
      return;
    }
    if (!StreamProtocol.TYPE_REPORT.equals(json.getValue(StreamProtocol.TYPE))) {
      log.debug("ignoring a text message from client {}", stream.clientId());
      return;
    }
    ClientReport report = ClientReport.fromStreamReport(json);
    stream.report().set(report);
    ingest.seen(stream.clientId(), report, TRANSPORT);
  }

  /**
   * The client asks to use a dictionary it offered: the stream holds its decoder from the answer on
   * (held: false when the cluster does not have it; the client offers it again).
   */
  private void onDictionary(Stream stream, Object id) {
    if (!(id instanceof String s) || !io.outflux.protocol.DictionaryProtocol.isId(s)) {
      return;
    }
    dictionaries.get(stream.credentials().principal(), s)
        .onComplete(ar -> {
          boolean held = ar.succeeded() && ar.result().isPresent();
          if (held) {
            stream.dictionary().set(ar.result().get());
          }
          answer(stream, StreamProtocol.dictionaryAnswer(s, held));
        });
  }

  private static void answer(Stream stream, JsonObject json) {
    if (!stream.ws().isClosed()) {
      stream.ws().writeTextMessage(json.encode());
    }
  }

  private int flushStreams(Object body) {
    String only = body instanceof JsonObject json ? json.getString("clientId") : null;
    String flush = StreamProtocol.flush().encode();
    int sent = 0;
    for (Stream s : streams) {
      // a client with a control channel on this node is asked there, and answers there
      if ((only == null || only.equals(s.clientId())) && !s.ws().isClosed() && !guards.control.has(s.clientKey())) {
        s.ws().writeTextMessage(flush);
        sent++;
      }
    }
    if (sent > 0) {
      log.info("asked {} streaming clients to flush", sent);
    }
    return sent;
  }
}
