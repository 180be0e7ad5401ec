package io.outflux.server;

import io.outflux.protocol.BatchSpan;
import io.outflux.protocol.Credentials;
import io.outflux.protocol.DictionaryProtocol;
import io.outflux.lineprotocol.Precision;
import io.outflux.protocol.WireProtocol;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/** {@code POST /api/v1/batches}: the HTTP face of {@link BatchIngest}. */
final class BatchHandler implements Handler<RoutingContext> {

  private final Vertx vertx;
  private final BatchIngest ingest;
  private final long maxBodySize;
  private final DictionaryStore dictionaries;

  BatchHandler(Vertx vertx, BatchIngest ingest, long maxBodySize) {
    this(vertx, ingest, maxBodySize, DictionaryStore.of(vertx));
  }

  BatchHandler(Vertx vertx, BatchIngest ingest, long maxBodySize, DictionaryStore dictionaries) {
    this.dictionaries = dictionaries;
    this.vertx = vertx;
    this.ingest = ingest;
    this.maxBodySize = maxBodySize;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    Optional<Credentials> credentials = Credentials.fromAuthorizationHeader(req.getHeader("Authorization"));
    if (credentials.isEmpty()) {
      error(ctx, 401, "missing or unreadable Authorization header: send the InfluxDB user and password as HTTP Basic");
      return;
    }
    String db = Optional.ofNullable(req.getParam(WireProtocol.PARAM_DB)).filter(d -> !d.isBlank())
        .orElse(req.getParam(WireProtocol.PARAM_BUCKET));
    if (db == null || db.isBlank()) {
      error(ctx, 400, "query parameter \"db\" (the InfluxDB 1.x database) or \"bucket\" (2.x) is required");
      return;
    }
    Precision precision;
    try {
      precision = Precision.fromWire(Optional.ofNullable(req.getParam(WireProtocol.PARAM_PRECISION)).orElse("ns"));
    } catch (IllegalArgumentException e) {
      error(ctx, 400, e.getMessage());
      return;
    }
    Buffer body = ctx.body().buffer() == null ? Buffer.buffer() : ctx.body().buffer();
    String encoding = Optional.ofNullable(req.getHeader("Content-Encoding")).orElse("identity").trim()
        .toLowerCase(java.util.Locale.ROOT);
    Future<Buffer> lines;
    boolean zstd = encoding.equals("zstd");
    if (encoding.equals(DictionaryProtocol.CONTENT_ENCODING)) {
      String id = req.getHeader(DictionaryProtocol.HEADER_DICTIONARY);
      if (!DictionaryProtocol.isId(id)) {
        error(ctx, 400, "Content-Encoding " + encoding + " needs the header " + DictionaryProtocol.HEADER_DICTIONARY
            + ": the dictionary's id (16 hex digits)");
        return;
      }
      lines = admitted(ctx, credentials.get(), db).compose(v -> dictionaries.get(credentials.get().principal(), id))
          .compose(dict -> dict.isPresent() ? GzipBody.inflateZstd(vertx, body, maxBodySize, dict.get())
              : Future.failedFuture(new UnknownDictionary(id)));
    } else if (zstd || encoding.equals("gzip") || encoding.equals("x-gzip")) {
      // inflating costs CPU and up to http.maxBodySize of memory: only for credentials that may write here
      lines = admitted(ctx, credentials.get(), db).compose(v -> zstd ? GzipBody.inflateZstd(vertx, body, maxBodySize)
          : GzipBody.inflate(vertx, body, maxBodySize));
    } else if (encoding.equals("identity") || encoding.isEmpty()) {
      lines = Future.succeededFuture(body);
    } else {
      error(ctx, 415, "Content-Encoding " + encoding + " is not supported: send zstd, zstd-dict, gzip or no encoding");
      return;
    }
    lines.onSuccess(payload -> ingest(ctx, credentials.get(), db, precision, payload))
        .onFailure(err -> {
          if (err instanceof UnknownDictionary u) {
            // nothing decoded, nothing written: the client offers the dictionary again and resends
            ctx.response().putHeader(DictionaryProtocol.HEADER_UNKNOWN, u.id);
            error(ctx, DictionaryProtocol.STATUS_UNKNOWN, err.getMessage());
          } else if (err instanceof Refused r) {
            answer(ctx, r.outcome);
          } else {
            error(ctx, GzipBody.status(err), err.getMessage());
          }
        });
  }

  /** Admission of these credentials to this database before a body is decoded; fails with {@link Refused}. */
  private Future<Void> admitted(RoutingContext ctx, Credentials credentials, String db) {
    HttpServerRequest req = ctx.request();
    String remote = req.remoteAddress() == null ? "unknown" : req.remoteAddress().hostAddress();
    SiteConfig.Target target = ingest.route(Optional.ofNullable(req.getHeader(WireProtocol.HEADER_CLIENT_ID)).orElse(""),
        CertificateName.of(req), db, Optional.ofNullable(req.getParam(WireProtocol.PARAM_RP)).orElse(""));
    return ingest.admit(credentials, target.database(), target.retentionPolicy(), remote).compose(refused ->
        refused.isEmpty() ? Future.<Void>succeededFuture() : Future.failedFuture(new Refused(refused.get())));
  }

  /** The batch names a dictionary the cluster does not hold (restarted, or evicted by newer ones). */
  private static final class UnknownDictionary extends Exception {
    final String id;

    UnknownDictionary(String id) {
      super("zstd dictionary " + id + " unknown here: offer it again (PUT " + DictionaryProtocol.PATH + "/" + id
          + ") and resend", null, false, false);
      this.id = id;
    }
  }

  /** The credentials were refused before a gzip body was inflated. */
  private static final class Refused extends Exception {
    final IngestOutcome.NotStored outcome;

    Refused(IngestOutcome.NotStored outcome) {
      super(outcome.message(), null, false, false);
      this.outcome = outcome;
    }
  }

  private static void answer(RoutingContext ctx, IngestOutcome.NotStored n) {
    n.retryAfter().ifPresent(d -> ctx.response().putHeader("Retry-After", Long.toString(Math.max(1, d.toSeconds()))));
    error(ctx, n.status(), n.message());
  }

  private void ingest(RoutingContext ctx, Credentials credentials, String db, Precision precision, Buffer lines) {
    HttpServerRequest req = ctx.request();
    IncomingBatch batch = new IncomingBatch(
        Optional.ofNullable(req.getHeader(WireProtocol.HEADER_CLIENT_ID)).orElse(""),
        parseSeq(req.getHeader(WireProtocol.HEADER_SEQ)), credentials, db,
        Optional.ofNullable(req.getParam(WireProtocol.PARAM_RP)).orElse(""), precision, lines, CertificateName.of(req),
        BatchSpan.parse(req.getHeader(WireProtocol.HEADER_SPAN)));
    String remote = req.remoteAddress() == null ? "unknown" : req.remoteAddress().hostAddress();
    ingest.ingest(batch, remote, ClientReport.fromHeaders(req.headers()), "http").onSuccess(outcome -> {
      if (outcome instanceof IngestOutcome.Acked acked) {
        ctx.json(acked.reply().toJson());
      } else {
        answer(ctx, (IngestOutcome.NotStored) outcome);
      }
    });
  }

  static void error(RoutingContext ctx, int status, String message) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response().setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("error", message).encode());
  }

  private static long parseSeq(String header) {
    try {
      return header == null ? 0 : Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
