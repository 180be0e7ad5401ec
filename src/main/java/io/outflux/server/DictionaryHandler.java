package io.outflux.server;

import io.outflux.protocol.Credentials;
import io.outflux.protocol.DictionaryProtocol;
import io.outflux.protocol.WireProtocol;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code PUT /api/v1/dictionaries/<id>?db=..}: a client offers its zstd dictionary
 * ({@link DictionaryProtocol}). Authenticated like a batch (the credentials must be allowed to write
 * to {@code db}); the id must be the body's hash, the body at most {@link DictionaryProtocol#MAX_SIZE}
 * (the route's body limit); {@link DictionaryStore} keeps it within its caps. 204 once the cluster holds it.
 */
final class DictionaryHandler implements Handler<RoutingContext> {

  private static final Logger log = LoggerFactory.getLogger(DictionaryHandler.class);
  static final String PARAM_ID = "id";

  private final BatchIngest ingest;
  private final DictionaryStore store;

  DictionaryHandler(BatchIngest ingest, DictionaryStore store) {
    this.ingest = ingest;
    this.store = store;
  }

  /** Why an upload is refused: 400 or 413, the same for the same bytes (the client does not offer them again). */
  record Refusal(int status, String message) {
  }

  /**
   * Whether these bytes may be kept under this id: 1 to {@link DictionaryProtocol#MAX_SIZE} bytes (413
   * above: the route's body limit answers the same before this), the id their hash, and bytes zstd loads as
   * a dictionary (bytes that claim to be one, its magic number, but are not make zstd-jni throw, a 400;
   * any other bytes are a raw-content dictionary, which zstd takes as they are).
   */
  static Optional<Refusal> refusal(String id, byte[] bytes) {
    if (bytes.length == 0 || bytes.length > DictionaryProtocol.MAX_SIZE) {
      return Optional.of(new Refusal(bytes.length == 0 ? 400 : 413, "a dictionary of 1 to " + DictionaryProtocol.MAX_SIZE
          + " bytes is expected, got " + bytes.length));
    }
    String hash = DictionaryProtocol.idOf(bytes);
    if (!hash.equals(id)) {
      return Optional.of(new Refusal(400, "the id " + id + " is not the dictionary's hash (" + hash + ")"));
    }
    try {
      new com.github.luben.zstd.ZstdDictDecompress(bytes).close();
    } catch (RuntimeException e) {
      return Optional.of(new Refusal(400, "not a zstd dictionary: " + e.getMessage()));
    }
    return Optional.empty();
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    Optional<Credentials> credentials = Credentials.fromAuthorizationHeader(req.getHeader("Authorization"));
    if (credentials.isEmpty()) {
      BatchHandler.error(ctx, 401, "missing or unreadable Authorization header: send the InfluxDB user and password as HTTP Basic");
      return;
    }
    String id = ctx.pathParam(PARAM_ID);
    if (!DictionaryProtocol.isId(id)) {
      BatchHandler.error(ctx, 400, "the dictionary id must be 16 lowercase hex digits (the start of its SHA-256)");
      return;
    }
    String db = Optional.ofNullable(req.getParam(WireProtocol.PARAM_DB)).filter(d -> !d.isBlank())
        .orElse(req.getParam(WireProtocol.PARAM_BUCKET));
    if (db == null || db.isBlank()) {
      BatchHandler.error(ctx, 400, "query parameter \"db\" (the InfluxDB 1.x database) or \"bucket\" (2.x) is required");
      return;
    }
    Buffer body = ctx.body().buffer() == null ? Buffer.buffer() : ctx.body().buffer();
    String clientId = Optional.ofNullable(req.getHeader(WireProtocol.HEADER_CLIENT_ID)).orElse("");
    String remote = req.remoteAddress() == null ? "unknown" : req.remoteAddress().hostAddress();
    SiteConfig.Target target = ingest.route(clientId, CertificateName.of(req), db,
        Optional.ofNullable(req.getParam(WireProtocol.PARAM_RP)).orElse(""));
    ingest.admit(credentials.get(), target.database(), target.retentionPolicy(), remote).onSuccess(refused -> {
      if (refused.isPresent()) {
        refused.get().retryAfter().ifPresent(d -> ctx.response().putHeader("Retry-After",
            Long.toString(Math.max(1, d.toSeconds()))));
        BatchHandler.error(ctx, refused.get().status(), refused.get().message());
        return;
      }
      byte[] bytes = body.getBytes();
      Optional<Refusal> refusal = refusal(id, bytes);
      if (refusal.isPresent()) {
        BatchHandler.error(ctx, refusal.get().status(), refusal.get().message());
        return;
      }
      store.put(credentials.get().principal(), clientId, id, bytes)
          .onSuccess(v -> {
            log.debug("zstd dictionary {} ({} bytes) of client {} kept", id, bytes.length,
                io.outflux.protocol.LogSafe.of(clientId));
            ctx.response().setStatusCode(204).end();
          })
          .onFailure(err -> {
            ctx.response().putHeader("Retry-After", "1");
            BatchHandler.error(ctx, 503, "dictionary not stored: " + err.getMessage());
          });
    }).onFailure(err -> BatchHandler.error(ctx, 503, "credentials not checked: " + err.getMessage()));
  }
}
