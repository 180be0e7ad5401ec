package io.outflux.transport;

import io.outflux.batch.Batch;
import io.outflux.batch.FlushRequest;
import io.outflux.batch.Progress;
import io.outflux.client.ClientBus;
import io.outflux.client.ClientMeters;
import io.outflux.meter.InterfaceState;
import io.outflux.meter.QuotaStore;
import io.outflux.metrics.Human;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import java.net.URI;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers batches to the outflux servers, retrying each until it is acknowledged: nothing is
 * dropped, whatever the failure. The sender (HTTP POST, or a WebSocket for streaming) classifies
 * each attempt, {@link DeliveryPolicy} decides what follows (ack, retry maybe on another server,
 * park on refused credentials, split, quarantine), and this verticle carries it out, with two gates
 * of their own in front of each attempt: {@link CredentialsGate} (sending stopped while InfluxDB
 * refuses the credentials) and {@link MeteredGate} (a metered link's rate, windows and quota).
 * Failover: the next server in {@code servers} after a failed exchange; after
 * {@code transport.failbackAfter} the first server is tried again.
 */
public final class TransportVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(TransportVerticle.class);
  /**
   * The kernel's send buffer per connection: it bounds what sits unsent on the client's side, so that
   * upload progress ({@code transport.stallTimeout}) means bytes leaving over the link, and a health
   * probe is not queued behind megabytes. 256 KiB still fills a 100 ms x 2 MB/s path.
   */
  static final int SEND_BUFFER = 256 * 1024;

  private final String clientId;
  private final InfluxTarget target;
  private final TransportConfig config;
  private final boolean streaming;
  private final String configSource;
  /** This client's meters (tagged with its id). */
  private final ClientMeters meters;
  private HttpClients httpClients;
  private WebSocketClient wsClient;
  private WebSocketBatchSender wsSender;
  private BatchSender sender;
  /** What attempts go through: the sender, or the tests' wrapper of it. */
  private BatchSender sending;
  private DeliveryPolicy policy;
  private java.util.function.UnaryOperator<BatchSender> wrapSender = s -> s;
  private int quarantineAttempts = DeliveryPolicy.QUARANTINE_ATTEMPTS;
  private java.time.Duration quarantineAfter = DeliveryPolicy.QUARANTINE_AFTER;
  private ServerChoice servers;
  private boolean stopped;
  private final Clock clock;
  private final InterfaceState interfaces;
  private final Optional<QuotaStore> quotaStore;
  private MeteredGate link;
  private CredentialsGate<Attempt> credentials;
  /** The flushes the batcher handed down (forced ones open the windows; refused credentials fail them). */
  private SendingFlushes flushes;

  /** What the latest attempts say about the link, for {@code outflux status} and the connection meter. */
  private ConnectionState state;

  public TransportVerticle(String clientId, InfluxTarget target, TransportConfig config, boolean streaming,
                           String configSource) {
    this(clientId, target, config, streaming, configSource, Clock.systemDefaultZone());
  }

  /** @param clock the clock of the metered link's windows, quota and rate (tests move it) */
  public TransportVerticle(String clientId, InfluxTarget target, TransportConfig config, boolean streaming,
                           String configSource, Clock clock) {
    this(clientId, target, config, streaming, configSource, clock, null, Optional.empty());
  }

  /**
   * @param interfaces reads the state of {@code link.interface}; null: {@code /sys/class/net}
   * @param quotaStore where the daily quota's count survives restarts (empty: in memory only)
   */
  public TransportVerticle(String clientId, InfluxTarget target, TransportConfig config, boolean streaming,
                           String configSource, Clock clock, InterfaceState interfaces, Optional<QuotaStore> quotaStore) {
    this.interfaces = interfaces;
    this.quotaStore = quotaStore;
    this.clock = clock;
    this.clientId = clientId;
    this.target = target;
    this.config = config;
    this.streaming = streaming;
    this.configSource = configSource;
    this.meters = ClientMeters.of(clientId);
    this.state = new ConnectionState(meters);
  }

  /** Where the zstd dictionary is kept across restarts ({@link ZstdDictionaries}); before deployment. */
  public TransportVerticle keepDictionaryIn(java.nio.file.Path file) {
    this.dictionaryFile = Optional.of(file);
    return this;
  }

  private Optional<java.nio.file.Path> dictionaryFile = Optional.empty();

  /** Wraps the sender the verticle makes (tests: a failing sender); before deployment. */
  TransportVerticle wrapSender(java.util.function.UnaryOperator<BatchSender> wrap) {
    this.wrapSender = wrap;
    return this;
  }

  /** Other quarantine thresholds than the policy's (tests); before deployment. */
  TransportVerticle quarantine(int attempts, java.time.Duration after) {
    this.quarantineAttempts = attempts;
    this.quarantineAfter = after;
    return this;
  }

  @Override
  public Future<?> start() {
    servers = new ServerChoice(config.servers(), config.failbackAfter(), System::nanoTime);
    link = new MeteredGate(vertx, config.link(), clock, interfaces, quotaStore);
    credentials = new CredentialsGate<>(vertx, config.authRetryInterval(), target.credentials().principal(),
        this::attempt, reason -> flushes.blocked(reason));
    policy = new DeliveryPolicy(new Backoff(config.retryInitialDelay(), config.retryMaxDelay(),
        ThreadLocalRandom.current()::nextDouble), System::nanoTime, quarantineAttempts, quarantineAfter);
    if (streaming) {
      wsClient = vertx.createWebSocketClient(config.tls().apply(new WebSocketClientOptions()
          .setTcpNoDelay(true)
          .setSendBufferSize(SEND_BUFFER)
          .setMaxFrameSize(1 << 20)
          .setMaxMessageSize(16 << 20)));
      httpClients = HttpClients.create(vertx, config); // the dictionary's offers (PUT) on streams
      wsSender = new WebSocketBatchSender(vertx, wsClient, clientId, target, config, this::flushRequestedByServer,
          httpClients.probes(), dictionaryFile);
      sender = wsSender;
    } else {
      httpClients = HttpClients.create(vertx, config);
      sender = new HttpBatchSender(vertx, httpClients.batches(), httpClients.probes(), clientId, target,
          config.requestTimeout(), config.stallTimeout(), config.compression(), config.dictionarySize(), dictionaryFile);
    }
    sending = wrapSender.apply(sender);
    vertx.eventBus().<Batch>localConsumer(ClientBus.BATCHES, this::onBatch);
    flushes = new SendingFlushes(vertx, new SendingFlushes.Link() {
      @Override
      public Optional<String> closedBeyond(java.time.Duration timeout) {
        return link.closedBeyond(timeout);
      }

      @Override
      public void override(boolean on) {
        link.override(on);
      }

      @Override
      public void retryCredentialsNow() {
        credentials.probeNow();
      }

      @Override
      public String lastProblem() {
        return link.waitingReason().map(why -> "metered link: " + why).orElse(state.lastProblem());
      }
    });
    vertx.eventBus().<SendingFlush>localConsumer(ClientBus.FLUSH_SENDING, flushes::on);
    Optional<ZstdDictionaries> dictionaries = sender instanceof HttpBatchSender h ? h.dictionaries()
        : wsSender.dictionaries();
    vertx.eventBus().localConsumer(ClientBus.STATUS_TRANSPORT, msg -> {
      io.vertx.core.json.JsonObject status = state.status(servers.current(), config.servers(), streaming, link.status());
      dictionaries.ifPresent(d -> status.put("dictionary", d.status(servers.current())));
      msg.reply(status);
    });
    vertx.eventBus().<Progress>localConsumer(ClientBus.GOODBYE, msg -> goodbye(msg.body() != null ? msg.body()
        : meters.latestProgress()).onComplete(ar -> msg.reply(null)));
    if (wsSender != null) {
      vertx.eventBus().<Progress>localConsumer(ClientBus.PROGRESS, msg -> wsSender.report(msg.body()));
    }
    Future<Void> dictionary = sender instanceof HttpBatchSender h ? h.start() : wsSender.start();
    return dictionary.compose(v -> link.start());
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    httpClients.close();
    if (wsSender != null) {
      wsSender.close();
      return wsClient.close();
    }
    return Future.succeededFuture();
  }

  /** A batch handed over again (a late answer) is not sent twice, nor again once settled. */
  private final TakenBatches taken = new TakenBatches();

  private void onBatch(Message<Batch> msg) {
    Batch batch = msg.body();
    msg.reply(null); // taken over; the outcome goes to DELIVERED
    if (!taken.take(batch.seq())) {
      return;
    }
    Promise<Delivery> delivered = Promise.promise();
    attempt(new Attempt(batch, DeliveryPolicy.Tries.FIRST, delivered), false);
    delivered.future().onSuccess(d -> {
      taken.settled(batch.seq());
      vertx.eventBus().send(ClientBus.DELIVERED, d, ClientBus.LOCAL);
    });
  }

  /** One batch on its way: its attempts so far, and whom to tell when it is settled. */
  private record Attempt(Batch batch, DeliveryPolicy.Tries tries, Promise<Delivery> delivered) {
    Attempt with(DeliveryPolicy.Tries next) {
      return new Attempt(batch, next, delivered);
    }
  }

  /** @param probe true for the single attempt that tests refused credentials again */
  private void attempt(Attempt a, boolean probe) {
    if (stopped) {
      return;
    }
    if (credentials.blocked() && !probe) {
      credentials.hold(a);
      return;
    }
    if (!link.admit(a.batch(), () -> attempt(a, probe))) {
      return;
    }
    URI server = servers.next();
    meters.linesSent.increment(a.batch().lines());
    // a sender that fails instead of classifying is one more retryable failure: never a batch
    // left taken over with nobody sending it (its window slot would never be freed)
    sending.send(server, a.batch()).otherwise(err -> new SendResult.Retryable("the sender failed: " + err,
        Optional.empty())).onSuccess(result -> {
          DeliveryPolicy.Decision d = policy.decide(result, a.tries());
          carryOut(d.action(), a.with(d.tries()), probe, server);
        });
  }

  /** Carries out what the policy decided for the attempt just made on {@code server}. */
  private void carryOut(DeliveryPolicy.Action action, Attempt a, boolean probe, URI server) {
    Batch batch = a.batch();
    if (action instanceof DeliveryPolicy.Action.Ack ack) {
      state.attempted(ClientMeters.Connection.CONNECTED, server, true, null);
      if (a.tries().failures() > 0) {
        log.info("batch {} delivered to {} after {} failed attempts", batch.seq(), server, a.tries().failures());
      }
      credentials.accepted();
      var reply = ack.reply();
      UnlistedRejects.of(vertx, batch, reply, target.precision())
          .onSuccess(rejected -> a.delivered().complete(new Delivery(batch.seq(), reply.written(), rejected)));
    } else if (action instanceof DeliveryPolicy.Action.Retry r) {
      state.attempted(ClientMeters.Connection.RETRYING, server, !r.failOver(), r.reason());
      if (r.failOver()) {
        meters.retriesUnavailable.increment();
        servers.failed(server);
      } else {
        meters.retriesRefused.increment();
      }
      if (r.log()) {
        log.warn("batch {} ({} lines) not delivered, attempt {}: {}; retrying in {}",
            batch.seq(), batch.lines(), a.tries().failures(), r.reason(), Human.duration(r.delay()));
      }
      vertx.setTimer(r.delay().toMillis(), id -> attempt(a, probe));
    } else if (action instanceof DeliveryPolicy.Action.Park p) {
      state.attempted(ClientMeters.Connection.AUTH_REFUSED, server, true,
          "credentials refused (HTTP " + p.status() + ": " + p.reason() + ")");
      meters.retriesAuth.increment();
      credentials.refused(a, "the server refused the InfluxDB credentials of " + target.credentials().principal()
          + " (HTTP " + p.status() + ": " + p.reason() + "); check influx.username and influx.password in "
          + configSource + " and the user's permissions on database " + target.database() + " in the central InfluxDB");
    } else if (action instanceof DeliveryPolicy.Action.Split s) {
      // larger than the server's body limit: resending it as it is would fail forever
      state.attempted(ClientMeters.Connection.CONNECTED, server, true, null);
      if (probe) {
        credentials.probeEnded("batch " + batch.seq() + " too large, split");
      }
      a.delivered().complete(Delivery.tooLarge(batch.seq(), s.reason()));
    } else if (action instanceof DeliveryPolicy.Action.Quarantine q) {
      // told once for the batch, by the dead-letter file's owner, which knows where the lines go
      state.attempted(ClientMeters.Connection.CONNECTED, server, true, null);
      state.refusedForGood(batch, q.reason());
      if (probe) {
        credentials.probeEnded("batch " + batch.seq() + " refused for good");
      }
      vertx.executeBlocking(() -> RefusedForGood.delivery(batch, q.reason()), false)
          .onSuccess(a.delivered()::complete);
    }
  }

  /** A graceful stop: tell the server (the fleet view shows "stopped"); a failure only means it sees silence. */
  private Future<Void> goodbye(Progress progress) {
    Progress p = progress == null ? Progress.NONE : progress;
    if (wsSender != null) {
      wsSender.goodbye(p);
      return Future.succeededFuture();
    }
    return ((HttpBatchSender) sender).goodbye(servers.next(), p).recover(err -> Future.succeededFuture());
  }

  /**
   * The server asked for a flush over the stream: like any caller, the transport hands it to the
   * pipeline's one entry (the tail), from where it comes down the stages again.
   */
  private void flushRequestedByServer() {
    vertx.eventBus().request(ClientBus.FLUSH, FlushRequest.of(FlushRequest.DEFAULT_TIMEOUT),
            ClientBus.flushWait(FlushRequest.DEFAULT_TIMEOUT))
        .onSuccess(reply -> log.info("flush asked by the server done: {}", reply.body()))
        .onFailure(err -> log.warn("flush asked by the server failed: {}", err.getMessage()));
  }
}
