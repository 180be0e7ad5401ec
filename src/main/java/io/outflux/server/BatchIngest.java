package io.outflux.server;

import io.outflux.ingest.AuthResult;
import io.outflux.ingest.WriteRequest;
import io.outflux.ingest.WriteResult;
import io.outflux.protocol.BatchReply;
import io.outflux.protocol.BatchReply.RejectedLine;
import io.outflux.protocol.Credentials;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's one way to take a batch, shared by every transport: check the client's credentials
 * against InfluxDB (cached by salted hash), re-validate every line ({@link LineGate}), write the
 * valid ones with the client's credentials, and say whether they are stored. Acks only after
 * InfluxDB answered 2xx.
 */
public final class BatchIngest {

  private static final Logger log = LoggerFactory.getLogger(BatchIngest.class);
  private static final Duration RETRY_SOON = Duration.ofSeconds(1);

  private final Vertx vertx;
  private final CredentialCache cache;
  private final long busTimeoutMs;
  private final LineGate gate;
  private final AuthThrottle throttle;
  private final int maxInFlightPerClient;
  private final Map<String, Integer> inFlightPerClient = new HashMap<>();

  public BatchIngest(Vertx vertx, FrontConfig config, Duration backendTimeout) {
    this.vertx = vertx;
    this.cache = new CredentialCache(config.authCacheTtl(), System::nanoTime);
    // the writer answers every request itself (timeouts included); this only guards against a bug
    this.busTimeoutMs = backendTimeout.multipliedBy(4).toMillis() + 10_000;
    this.gate = new LineGate(config.maxLineSize());
    this.throttle = new AuthThrottle(config.authMaxFailures(), config.authFailureWindow(), System::nanoTime);
    this.maxInFlightPerClient = config.maxInFlightPerClient();
  }

  /**
   * @param remoteHost the client's address, for slowing down password guessing
   */
  public Future<IngestOutcome> ingest(IncomingBatch batch, String remoteHost) {
    Optional<Duration> throttled = throttle.check(remoteHost);
    if (throttled.isPresent()) {
      return Future.succeededFuture(new IngestOutcome.NotStored(429,
          "too many refused credentials from " + remoteHost + "; try again later", throttled));
    }
    int inFlight = inFlightPerClient.merge(batch.clientId(), 1, Integer::sum);
    if (inFlight > maxInFlightPerClient) {
      release(batch.clientId());
      return Future.succeededFuture(new IngestOutcome.NotStored(429, "client " + batch.clientId() + " has "
          + maxInFlightPerClient + " batches in flight already (http.maxInFlightPerClient)", Optional.of(RETRY_SOON)));
    }
    return authenticateAndWrite(batch, remoteHost).onComplete(ar -> release(batch.clientId()));
  }

  private void release(String clientId) {
    inFlightPerClient.computeIfPresent(clientId, (id, n) -> n > 1 ? n - 1 : null);
  }

  private Future<IngestOutcome> authenticateAndWrite(IncomingBatch batch, String remoteHost) {
    return authenticate(batch.credentials()).compose(auth -> {
      if (auth instanceof AuthResult.Rejected r) {
        throttle.failed(remoteHost);
        log.info("refused {} of client {} from {}: InfluxDB answered {}", batch.credentials().principal(),
            batch.clientId(), remoteHost, r.status());
        return Future.succeededFuture(notStored(401,
            "InfluxDB refused the credentials of " + batch.credentials().principal() + ": " + r.message()));
      }
      if (auth instanceof AuthResult.Unavailable u) {
        return Future.succeededFuture(retryLater("cannot check credentials: " + u.message(), RETRY_SOON));
      }
      return write(batch);
    }).otherwise(err -> retryLater("internal error: " + err.getMessage(), RETRY_SOON));
  }

  /** Checks credentials alone (e.g. when a WebSocket connects, before any batch). */
  public Future<AuthResult> authenticate(Credentials credentials) {
    if (cache.isAccepted(credentials)) {
      return Future.succeededFuture(new AuthResult.Accepted());
    }
    return vertx.eventBus().<AuthResult>request(ServerBus.AUTHENTICATE, credentials, ServerBus.local(busTimeoutMs))
        .map(msg -> {
          if (msg.body() instanceof AuthResult.Accepted) {
            cache.accepted(credentials);
          }
          return msg.body();
        });
  }

  private Future<IngestOutcome> write(IncomingBatch batch) {
    LineGate.Result valid = gate.filter(batch.lines(), batch.precision());
    if (valid.count() == 0) {
      return Future.succeededFuture(new IngestOutcome.Acked(new BatchReply(batch.seq(), 0, valid.rejected())));
    }
    WriteRequest request = new WriteRequest(batch.credentials(), batch.database(), batch.retentionPolicy(),
        batch.precision(), valid.lines(), valid.count());
    return vertx.eventBus().<WriteResult>request(ServerBus.WRITE, request, ServerBus.local(busTimeoutMs))
        .map(msg -> toOutcome(batch.seq(), msg.body(), valid.rejected()));
  }

  private static IngestOutcome toOutcome(long seq, WriteResult result, List<RejectedLine> refusedHere) {
    if (result instanceof WriteResult.Written w) {
      List<RejectedLine> rejected = refusedHere;
      if (!w.rejected().isEmpty()) {
        rejected = new ArrayList<>(refusedHere);
        rejected.addAll(w.rejected());
      }
      return new IngestOutcome.Acked(new BatchReply(seq, w.written(), rejected));
    }
    if (result instanceof WriteResult.AuthFailed a) {
      return notStored(a.status(), "InfluxDB: " + a.message());
    }
    if (result instanceof WriteResult.Retryable r) {
      return retryLater(r.message(), r.retryAfter());
    }
    WriteResult.Failed f = (WriteResult.Failed) result;
    return notStored(f.status(), "InfluxDB: " + f.message());
  }

  private static IngestOutcome notStored(int status, String message) {
    return new IngestOutcome.NotStored(status, message, Optional.empty());
  }

  private static IngestOutcome retryLater(String message, Duration retryAfter) {
    return new IngestOutcome.NotStored(503, message, Optional.of(retryAfter));
  }

}
