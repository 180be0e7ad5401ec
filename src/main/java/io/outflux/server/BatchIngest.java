package io.outflux.server;

import io.outflux.cluster.AckLedger;
import io.outflux.cluster.BatchFingerprint;
import io.outflux.cluster.ClusterConfig;
import io.outflux.cluster.FleetView;
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
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's one way to take a batch, shared by every transport: check the client's credentials
 * against InfluxDB (cached by salted hash), re-validate every line ({@link LineGate}), write the
 * valid ones with the client's credentials, and say whether they are stored. Acks only after
 * InfluxDB answered 2xx. A batch already stored (same client, sequence number and content, seen by
 * any node of the cluster) is acknowledged again without being written again: see {@link AckLedger}.
 */
public final class BatchIngest {

  private static final Logger log = LoggerFactory.getLogger(BatchIngest.class);
  private static final Duration RETRY_SOON = Duration.ofSeconds(1);

  private final Vertx vertx;
  private final CredentialCache cache;
  private final long busTimeoutMs;
  private final AckLedger ledger;
  private final FleetView fleet;
  private final AtomicLong deduplicated = new AtomicLong();
  private final LineGate gate;
  private final AuthThrottle throttle;
  private final ServerMeters meters = ServerMeters.INSTANCE;
  private final int maxInFlightPerClient;
  private final Map<String, Integer> inFlightPerClient = new HashMap<>();

  public BatchIngest(Vertx vertx, FrontConfig config, Duration backendTimeout) {
    this(vertx, config, backendTimeout, new AckLedger(vertx, ClusterConfig.DEFAULT_DEDUPE_TTL),
        new FleetView(vertx, () -> "local", ClusterConfig.DEFAULT_FLEET_TTL, ClusterConfig.FLEET_UPDATE_INTERVAL,
            System::currentTimeMillis));
  }

  public BatchIngest(Vertx vertx, FrontConfig config, Duration backendTimeout, AckLedger ledger, FleetView fleet) {
    this.vertx = vertx;
    this.ledger = ledger;
    this.fleet = fleet;
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
    return ingest(batch, remoteHost, ClientReport.NONE, "http");
  }

  /**
   * Like {@link #ingest(IncomingBatch, String)}, also recording the client in the fleet view with
   * what it reported ({@code transport}: "http" or "websocket") once its credentials are accepted.
   */
  public Future<IngestOutcome> ingest(IncomingBatch batch, String remoteHost, ClientReport report, String transport) {
    (transport.equals("websocket") ? meters.batchesStream : meters.batchesHttp).increment();
    return admitAndWrite(batch, remoteHost, report, transport).onSuccess(outcome -> count(batch.clientId(), outcome));
  }

  private void count(String clientId, IngestOutcome outcome) {
    if (outcome instanceof IngestOutcome.Acked acked) {
      fleet.stored(clientId, acked.reply().written());
    } else {
      meters.notStored.increment();
    }
  }

  /**
   * Counts what InfluxDB stored and what was refused, for a batch this node wrote: a batch acknowledged
   * as already stored (the ack ledger) is not written again, so it must not count as written again.
   */
  private IngestOutcome metered(IngestOutcome outcome) {
    if (outcome instanceof IngestOutcome.Acked acked) {
      meters.linesWritten.increment(acked.reply().written());
      for (RejectedLine r : acked.reply().rejected()) {
        (r.reason().startsWith(LineGate.INVALID) ? meters.rejectedInvalid : meters.rejectedByInfluxDb).increment();
      }
    }
    return outcome;
  }

  private Future<IngestOutcome> admitAndWrite(IncomingBatch batch, String remoteHost, ClientReport report,
                                              String transport) {
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
    return authenticateAndWrite(batch, remoteHost, report, transport).onComplete(ar -> release(batch.clientId()));
  }

  private void release(String clientId) {
    inFlightPerClient.computeIfPresent(clientId, (id, n) -> n > 1 ? n - 1 : null);
  }

  private Future<IngestOutcome> authenticateAndWrite(IncomingBatch batch, String remoteHost, ClientReport report,
                                                     String transport) {
    return authenticate(batch.credentials()).compose(auth -> {
      if (auth instanceof AuthResult.Rejected r) {
        throttle.failed(remoteHost);
        meters.authFailures.increment();
        log.info("refused {} of client {} from {}: InfluxDB answered {}", batch.credentials().principal(),
            batch.clientId(), remoteHost, r.status());
        return Future.succeededFuture(notStored(401,
            "InfluxDB refused the credentials of " + batch.credentials().principal() + ": " + r.message()));
      }
      if (auth instanceof AuthResult.Unavailable u) {
        return Future.succeededFuture(retryLater("cannot check credentials: " + u.message(), RETRY_SOON));
      }
      seen(batch.clientId(), report, transport);
      return writeOnce(batch);
    }).otherwise(err -> retryLater("internal error: " + err.getMessage(), RETRY_SOON));
  }

  /**
   * Admits a connection (a WebSocket upgrade) before any batch: the same guessing throttle and
   * credential check as a batch. Empty when admitted, otherwise why not (401, 429, 503).
   */
  public Future<Optional<IngestOutcome.NotStored>> admit(Credentials credentials, String remoteHost) {
    Optional<Duration> throttled = throttle.check(remoteHost);
    if (throttled.isPresent()) {
      return Future.succeededFuture(Optional.of(new IngestOutcome.NotStored(429,
          "too many refused credentials from " + remoteHost + "; try again later", throttled)));
    }
    return authenticate(credentials).map(auth -> {
      if (auth instanceof AuthResult.Rejected r) {
        throttle.failed(remoteHost);
        meters.authFailures.increment();
        log.info("refused {} from {}: InfluxDB answered {}", credentials.principal(), remoteHost, r.status());
        return Optional.of(new IngestOutcome.NotStored(401,
            "InfluxDB refused the credentials of " + credentials.principal() + ": " + r.message(), Optional.empty()));
      }
      if (auth instanceof AuthResult.Unavailable u) {
        return Optional.of((IngestOutcome.NotStored) retryLater("cannot check credentials: " + u.message(), RETRY_SOON));
      }
      return Optional.<IngestOutcome.NotStored>empty();
    }).otherwise(err -> Optional.of((IngestOutcome.NotStored) retryLater("internal error: " + err.getMessage(), RETRY_SOON)));
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

  /** Batches acknowledged without writing because the cluster had stored them already. */
  public long deduplicated() {
    return deduplicated.get();
  }

  /** Records a client in the fleet view (e.g. when a WebSocket connects); failures only log. */
  public void seen(String clientId, ClientReport report, String transport) {
    if (clientId.isEmpty()) {
      return;
    }
    fleet.seen(new FleetView.Sighting(clientId, transport, report.backlogBytes(), report.backlogLines(),
            report.lagSeconds()))
        .onFailure(err -> log.warn("fleet view not updated for client {}: {}", clientId, err.toString()));
  }

  private Future<IngestOutcome> writeOnce(IncomingBatch batch) {
    if (batch.clientId().isEmpty() || batch.seq() <= 0) {
      return write(batch);
    }
    String fingerprint = BatchFingerprint.of(batch.lines());
    return ledger.previousReply(batch.clientId(), batch.seq(), fingerprint)
        .otherwise(err -> {
          // the cluster map is unreachable: writing again is safe (an overwrite), not acking is not
          log.warn("cannot consult the acknowledged-batch map ({}); writing batch {} of client {}", err.toString(),
              batch.seq(), batch.clientId());
          return Optional.empty();
        })
        .compose(previous -> {
          if (previous.isPresent()) {
            long n = deduplicated.incrementAndGet();
            log.info("batch {} of client {} was already stored (failover or lost reply): acknowledged without "
                + "writing it again (deduplicated batches on this node: {})", batch.seq(), batch.clientId(), n);
            return Future.succeededFuture(new IngestOutcome.Acked(previous.get()));
          }
          return write(batch).compose(outcome -> remember(batch, fingerprint, outcome));
        });
  }

  private Future<IngestOutcome> remember(IncomingBatch batch, String fingerprint, IngestOutcome outcome) {
    if (!(outcome instanceof IngestOutcome.Acked acked)) {
      return Future.succeededFuture(outcome);
    }
    return ledger.stored(batch.clientId(), batch.seq(), fingerprint, acked.reply())
        .otherwise(err -> {
          log.warn("batch {} of client {} is stored but not recorded cluster-wide ({}); a retry would write it "
              + "again", batch.seq(), batch.clientId(), err.toString());
          return null;
        })
        .map(outcome);
  }

  private Future<IngestOutcome> write(IncomingBatch batch) {
    LineGate.Result valid = gate.filter(batch.lines(), batch.precision());
    meters.linesIn.increment(valid.count() + valid.rejected().size());
    if (valid.count() == 0) {
      return Future.succeededFuture(metered(new IngestOutcome.Acked(new BatchReply(batch.seq(), 0, valid.rejected()))));
    }
    WriteRequest request = new WriteRequest(batch.credentials(), batch.database(), batch.retentionPolicy(),
        batch.precision(), valid.lines(), valid.count());
    return vertx.eventBus().<WriteResult>request(ServerBus.WRITE, request, ServerBus.local(busTimeoutMs))
        .map(msg -> metered(toOutcome(batch.seq(), msg.body(), valid.rejected())));
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
