package io.outflux.server;

import io.outflux.cluster.AckLedger;
import io.outflux.cluster.BatchFingerprint;
import io.outflux.cluster.ClusterConfig;
import io.outflux.cluster.FleetView;
import io.outflux.cluster.StoredSpans;
import io.outflux.ingest.AuthRequest;
import io.outflux.ingest.WriteRequest;
import io.outflux.ingest.WriteResult;
import io.outflux.protocol.BatchReply;
import io.outflux.protocol.BatchSpan;
import io.outflux.protocol.ClientId;
import io.outflux.protocol.Credentials;
import io.outflux.protocol.RejectList;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's one way to take a batch, shared by every transport: check that the client's
 * credentials may write to the database it names ({@link Admission}: InfluxDB decides, cached by
 * salted hash), re-validate every line ({@link LineGate}), write the valid ones with the client's
 * credentials, and say whether they are stored. Acks only after InfluxDB answered 2xx. A batch
 * already stored (same client, sequence number, content, and the same principal, database,
 * retention policy and precision, seen by any node of the cluster) is acknowledged again without
 * being written again: see {@link AckLedger}. The fleet view hears of a client only once a write
 * with its credentials went through, so a client id cannot be claimed by credentials that may not
 * write.
 */
public final class BatchIngest {

  private static final Logger log = LoggerFactory.getLogger(BatchIngest.class);
  /** How a write InfluxDB refused is worded in the answer ("InfluxDB: database not found: ..."). */
  static final String INFLUXDB_WRITE = "InfluxDB: ";

  private final Vertx vertx;
  private final long busTimeoutMs;
  private final AckLedger ledger;
  private final FleetView fleet;
  private final AtomicLong deduplicated = new AtomicLong();
  private final LineGate gate;
  private final NodeGuards guards;
  private final Admission admission;
  private final ServerMeters meters;
  private final int maxInFlightPerClient;
  private final SiteConfig sites;

  public BatchIngest(Vertx vertx, FrontConfig config, Duration backendTimeout) {
    this(vertx, config, backendTimeout, new AckLedger(vertx, ClusterConfig.DEFAULT_DEDUPE_TTL),
        new FleetView(vertx, () -> "local", ClusterConfig.DEFAULT_FLEET_TTL, ClusterConfig.FLEET_UPDATE_INTERVAL,
            System::currentTimeMillis));
  }

  public BatchIngest(Vertx vertx, FrontConfig config, Duration backendTimeout, AckLedger ledger, FleetView fleet) {
    this.vertx = vertx;
    this.ledger = ledger;
    this.fleet = fleet;
    // the writer answers every request itself (timeouts included); this only guards against a bug
    this.busTimeoutMs = backendTimeout.multipliedBy(4).toMillis() + 10_000;
    this.gate = new LineGate(config.maxLineSize());
    this.guards = NodeGuards.of(vertx, config);
    this.meters = ServerMeters.of(vertx, config);
    this.admission = new Admission(vertx, guards, busTimeoutMs, meters);
    this.maxInFlightPerClient = config.maxInFlightPerClient();
    this.sites = config.sites();
  }

  /**
   * Where a client's batches are written ({@code sites.routes}): the first route matching its client
   * id or certificate name, else the database and retention policy it asked for. Admission checks
   * the client's credentials against this target, never against the one asked.
   */
  public SiteConfig.Target route(String clientId, Optional<String> certificate, String database,
                                 String retentionPolicy) {
    return sites.route(clientId, certificate, database, retentionPolicy);
  }

  SiteConfig sites() {
    return sites;
  }

  FleetView fleet() {
    return fleet;
  }

  NodeGuards guards() {
    return guards;
  }

  /**
   * @param remoteHost the client's address, for slowing down password guessing
   */
  public Future<IngestOutcome> ingest(IncomingBatch batch, String remoteHost) {
    return ingest(batch, remoteHost, ClientReport.NONE, "http");
  }

  /**
   * Like {@link #ingest(IncomingBatch, String)}, also recording the client in the fleet view with
   * what it reported ({@code transport}: "http" or "websocket") once the batch is stored.
   */
  public Future<IngestOutcome> ingest(IncomingBatch asked, String remoteHost, ClientReport report, String transport) {
    IncomingBatch batch = asked.to(route(asked.clientId(), asked.certificate(), asked.database(),
        asked.retentionPolicy()));
    (transport.equals("websocket") ? meters.batchesStream : meters.batchesHttp).increment();
    if (!ClientId.isValid(batch.clientId())) {
      meters.notStored.increment();
      return Future.succeededFuture(notStored(400, "header " + io.outflux.protocol.WireProtocol.HEADER_CLIENT_ID
          + " must be a client id: " + ClientId.rule()));
    }
    if (sites.tags(batch.database())) {
      Optional<String> unusable = SiteTag.unusable(SiteConfig.siteOf(batch.clientId(), batch.certificate()));
      if (unusable.isPresent()) {
        meters.notStored.increment();
        return Future.succeededFuture(notStored(403, "database " + batch.database() + " gets the site tag "
            + sites.tagName() + ", and the name of this client's certificate " + unusable.get()
            + ": it cannot be a tag value"));
      }
    }
    AuthRequest target = AuthRequest.writer(batch.credentials(), batch.database(), batch.retentionPolicy());
    return admission.check(target, remoteHost)
        .compose(refused -> refused.isPresent() ? Future.succeededFuture((IngestOutcome) refused.get())
            : admitted(batch, target, report, transport))
        .onSuccess(outcome -> {
          if (outcome instanceof IngestOutcome.NotStored n) {
            meters.notStored.increment();
            Refusals.reason(n, batch.database(), batch.retentionPolicy()).ifPresent(reason ->
                fleet.refused(batch.clientId(), batch.credentials().principal(), remoteHost, reason));
          }
        });
  }

  private Future<IngestOutcome> admitted(IncomingBatch batch, AuthRequest target, ClientReport report,
                                         String transport) {
    String clientKey = clientKey(batch.credentials(), batch.clientId());
    if (!guards.startBatch(clientKey, maxInFlightPerClient)) {
      return Future.succeededFuture(new IngestOutcome.NotStored(429, "client " + batch.clientId() + " has "
          + maxInFlightPerClient + " batches in flight already (http.maxInFlightPerClient)",
          Optional.of(Admission.RETRY_SOON)));
    }
    return writeOnce(batch)
        .onSuccess(outcome -> {
          if (outcome instanceof IngestOutcome.Acked acked) {
            admission.wrote(target);
            fleet.stored(batch.clientId(), acked.reply().written());
            seen(batch.clientId(), report, transport);
          }
        })
        .otherwise(err -> Admission.retryLater("internal error: " + err.getMessage()))
        .onComplete(ar -> guards.endBatch(clientKey));
  }

  /** Per-client limits count by who sends as well as by the id, so nobody can use up another's. */
  String clientKey(Credentials credentials, String clientId) {
    return credentials.principalHash(guards.cache.salt()) + "/" + clientId;
  }

  /**
   * Admits a connection (a WebSocket upgrade) before any batch: the same throttle and check as a
   * batch: may these credentials write to this database? Empty when admitted, otherwise why not.
   */
  public Future<Optional<IngestOutcome.NotStored>> admit(Credentials credentials, String database,
                                                         String retentionPolicy, String remoteHost) {
    return admission.check(AuthRequest.writer(credentials, database, retentionPolicy), remoteHost);
  }

  /** Like {@link #admit(Credentials, String, String, String)}; a refusal becomes a refused row naming {@code clientId}. */
  public Future<Optional<IngestOutcome.NotStored>> admit(Credentials credentials, String database,
                                                         String retentionPolicy, String remoteHost, String clientId) {
    return admit(credentials, database, retentionPolicy, remoteHost)
        .onSuccess(refused -> refused.flatMap(n -> Refusals.reason(n, database, retentionPolicy)).ifPresent(reason ->
            fleet.refused(clientId, credentials.principal(), remoteHost, reason)));
  }

  /** The server's operator endpoints: are these an InfluxDB admin's credentials? Empty when they are. */
  public Future<Optional<IngestOutcome.NotStored>> admitOperator(Credentials credentials, String remoteHost) {
    return admission.check(AuthRequest.operator(credentials), remoteHost);
  }

  /** Batches acknowledged without writing because the cluster had stored them already. */
  public long deduplicated() {
    return deduplicated.get();
  }

  /**
   * Records a client in the fleet view; call only once a write with its credentials went through
   * (a stream's admission is such a write). Failures only log.
   */
  public void seen(String clientId, ClientReport report, String transport) {
    if (!ClientId.isValid(clientId)) {
      return;
    }
    fleet.seen(new FleetView.Sighting(clientId, transport, report.backlogBytes(), report.backlogLines(),
            report.lagSeconds(), report.version(), report.stopped()))
        .onFailure(err -> log.warn("fleet view not updated for client {}: {}", clientId, err.toString()));
  }

  private Future<IngestOutcome> writeOnce(IncomingBatch batch) {
    if (batch.span().isPresent() && batch.lines().length() > 0) {
      return writeBeyondStored(batch, batch.span().get());
    }
    if (batch.seq() <= 0) {
      return write(batch);
    }
    String fingerprint = BatchFingerprint.of(batch.lines());
    AckLedger.Scope scope = new AckLedger.Scope(batch.clientId(), batch.seq(), batch.credentials(), batch.database(),
        batch.retentionPolicy(), batch.precision());
    return ledger.previousReply(scope, fingerprint)
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
          return write(batch).compose(outcome -> remember(scope, fingerprint, outcome));
        });
  }

  /**
   * Wire version 2: the batch is named by the spool range it covers, so whatever of that range this
   * client stored already (in this lane and scope, through any node) is acknowledged without being
   * written again, and only the lines beyond it are written ({@link SpanCut}). The ranges are recorded
   * once InfluxDB took every line of the batch; a batch with refused lines is not recorded, so that a
   * resend of it names them again for the client's dead-letter file.
   */
  private Future<IngestOutcome> writeBeyondStored(IncomingBatch batch, BatchSpan span) {
    AckLedger.Scope scope = new AckLedger.Scope(batch.clientId(), batch.seq(), batch.credentials(), batch.database(),
        batch.retentionPolicy(), batch.precision());
    return ledger.storedSpans(scope, span)
        .otherwise(err -> {
          log.warn("cannot consult the stored-positions map ({}); writing batch {} of client {} whole", err.toString(),
              batch.seq(), batch.clientId());
          return StoredSpans.EMPTY;
        })
        .compose(stored -> {
          int skip = SpanCut.skip(span, stored.storedPrefix(span), batch.lines());
          if (skip > 0) {
            long lines = SpanCut.lines(batch.lines(), skip);
            meters.linesAlreadyStored.increment(lines);
            deduplicated.incrementAndGet();
            log.debug("batch {} of client {}: {} lines of {} already stored; {} bytes of {} left to write", batch.seq(),
                batch.clientId(), lines, span.encode(), batch.lines().length() - skip, batch.lines().length());
          }
          if (skip == batch.lines().length()) {
            return Future.succeededFuture(acked(batch.seq(), 0, new RejectList()));
          }
          return write(skip == 0 ? batch : batch.from(skip)).compose(outcome -> rememberSpan(scope, span, outcome));
        });
  }

  private Future<IngestOutcome> rememberSpan(AckLedger.Scope scope, BatchSpan span, IngestOutcome outcome) {
    if (!(outcome instanceof IngestOutcome.Acked acked) || acked.reply().rejectedCount() > 0) {
      return Future.succeededFuture(outcome);
    }
    return ledger.storedSpan(scope, span)
        .otherwise(err -> {
          log.warn("batch {} of client {} is stored but its position not recorded cluster-wide ({}); a resend would "
              + "write it again", scope.seq(), scope.clientId(), err.toString());
          return null;
        })
        .map(outcome);
  }

  private Future<IngestOutcome> remember(AckLedger.Scope scope, String fingerprint, IngestOutcome outcome) {
    if (!(outcome instanceof IngestOutcome.Acked acked)) {
      return Future.succeededFuture(outcome);
    }
    return ledger.stored(scope, fingerprint, acked.reply())
        .otherwise(err -> {
          log.warn("batch {} of client {} is stored but not recorded cluster-wide ({}); a retry would write it "
              + "again", scope.seq(), scope.clientId(), err.toString());
          return null;
        })
        .map(outcome);
  }

  private Future<IngestOutcome> write(IncomingBatch batch) {
    return gate.filter(vertx, batch.lines(), batch.precision()).compose(checked -> {
      meters.linesIn.increment(checked.count() + checked.rejected().total());
      meters.rejectedInvalid.increment(checked.rejected().total());
      return siteTagged(batch, checked);
    }).compose(valid -> {
      if (valid.count() == 0) {
        // nothing to write; the admission just checked (or remembers) that these credentials may write here
        return Future.succeededFuture(acked(batch.seq(), 0, valid.rejected()));
      }
      WriteRequest request = new WriteRequest(batch.credentials(), batch.database(), batch.retentionPolicy(),
          batch.precision(), valid.lines(), valid.count());
      return vertx.eventBus().<WriteResult>request(ServerBus.WRITE, request, ServerBus.local(busTimeoutMs))
          .map(msg -> toOutcome(batch, msg.body(), valid.rejected()));
    });
  }

  /**
   * The valid lines with the site tag added, when the batch's (routed) database gets it
   * ({@code sites.tag}); lines carrying another site's tag join the refused ones. Large bodies on a worker.
   */
  private Future<LineGate.Result> siteTagged(IncomingBatch batch, LineGate.Result valid) {
    if (!sites.tags(batch.database()) || valid.count() == 0) {
      return Future.succeededFuture(valid);
    }
    SiteTag tag = new SiteTag(sites.tagName(), SiteConfig.siteOf(batch.clientId(), batch.certificate()));
    java.util.concurrent.Callable<LineGate.Result> work = () -> {
      SiteTag.Result r = tag.apply(valid.lines(), batch.precision(), valid.rejected());
      meters.rejectedSiteTag.increment(r.refused());
      return new LineGate.Result(r.lines(), r.count(), valid.rejected());
    };
    if (valid.lines().length() <= LineGate.INLINE_LIMIT) {
      try {
        return Future.succeededFuture(work.call());
      } catch (Exception e) {
        return Future.failedFuture(e);
      }
    }
    return vertx.executeBlocking(work, false);
  }

  private IngestOutcome acked(long seq, long written, RejectList rejected) {
    return new IngestOutcome.Acked(new BatchReply(seq, written, rejected.listed(), rejected.unlisted(),
        rejected.unlisted() > 0 ? gate.maxLineSize() : 0));
  }

  private IngestOutcome toOutcome(IncomingBatch batch, WriteResult result, RejectList refusedHere) {
    if (result instanceof WriteResult.Written w) {
      // counted where this node writes: a batch acknowledged as already stored is not written again
      meters.linesWritten.increment(w.written());
      meters.rejectedByInfluxDb.increment(w.rejected().size() + w.unlisted());
      w.rejected().forEach(refusedHere::add);
      refusedHere.addUnlisted(w.unlisted());
      return acked(batch.seq(), w.written(), refusedHere);
    }
    if (result instanceof WriteResult.AuthFailed a) {
      admission.refusedOnWrite(batch.credentials(), a.status());
      return notStored(a.status(), INFLUXDB_WRITE + a.message());
    }
    if (result instanceof WriteResult.Retryable r) {
      return new IngestOutcome.NotStored(503, r.message(), Optional.of(r.retryAfter()));
    }
    WriteResult.Failed f = (WriteResult.Failed) result;
    return notStored(f.status(), INFLUXDB_WRITE + f.message());
  }

  private static IngestOutcome notStored(int status, String message) {
    return new IngestOutcome.NotStored(status, message, Optional.empty());
  }
}
