package io.outflux.transport;

import io.outflux.batch.Batch;
import io.outflux.batch.FlushRequest;
import io.outflux.batch.Progress;
import io.outflux.client.ClientBus;
import io.outflux.client.ClientMeters;
import io.outflux.meter.InterfaceState;
import io.outflux.meter.LinkConfig;
import io.outflux.meter.LinkMeter;
import io.outflux.meter.LinkStatusJson;
import io.outflux.meter.QuotaStore;
import io.outflux.metrics.Human;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers batches to the outflux servers, retrying each until it is acknowledged: nothing is
 * dropped, whatever the failure. The sender (HTTP POST, or a WebSocket for streaming) classifies
 * each attempt; this class decides:
 * <ul>
 *   <li>retryable (connection error, 5xx, 429): backoff with full jitter, honouring Retry-After, and
 *       the next server in the list; after {@code transport.failbackAfter} the first server is tried again;
 *   <li>credentials refused (401/403): sending stops, one clear error in the log; the spool keeps
 *       growing on disk (the tail stops reading when the window is full) and a single probe is sent
 *       every {@code transport.authRetryInterval} in case the operator fixed the user centrally;
 *   <li>refused (unknown database, bad request): logged, retried with backoff, since the fix (a
 *       CREATE DATABASE) is made outside and the data must wait for it.
 * </ul>
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
  private WebClient httpClient;
  private io.vertx.core.http.HttpClient probeClient;
  private WebSocketClient wsClient;
  private WebSocketBatchSender wsSender;
  private BatchSender sender;
  private Backoff backoff;
  private int serverIndex;
  private long failedOverAt;
  private boolean stopped;
  private final Clock clock;
  private final InterfaceState interfaces;
  private final Optional<QuotaStore> quotaStore;
  private LinkMeter meter;
  private boolean meterWaiting;
  /** Attempts waiting for the metered link, each with its timer: a forced flush releases them early. */
  private final Map<Long, Runnable> meterParked = new HashMap<>();
  /** True while a forced flush runs: transfer windows and the interface are ignored. */
  private boolean overrideWindows;
  private boolean quotaSaving;
  /** The flushes the batcher handed down (forced ones open the windows; refused credentials fail them). */
  private SendingFlushes flushes;
  private boolean quotaDirty;

  /** The outcome of the latest attempt, for {@code outflux status} and the connection meter. */
  private ClientMeters.Connection connection = ClientMeters.Connection.IDLE;
  private String lastError;
  private Instant lastErrorAt;
  private Instant lastContactAt;

  /** Attempts parked while the credentials are refused; the probe timer releases them. */
  private final List<Attempt> parked = new ArrayList<>();
  private boolean authBlocked;
  private long probeTimer = -1;

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
  }

  @Override
  public Future<?> start() {
    meter = config.link().limited() ? new LinkMeter(config.link(), clock) : null;
    backoff = new Backoff(config.retryInitialDelay(), config.retryMaxDelay(), ThreadLocalRandom.current()::nextDouble);
    if (streaming) {
      wsClient = vertx.createWebSocketClient(config.tls().apply(new WebSocketClientOptions()
          .setTcpNoDelay(true)
          .setSendBufferSize(SEND_BUFFER)
          .setMaxFrameSize(1 << 20)
          .setMaxMessageSize(16 << 20)));
      wsSender = new WebSocketBatchSender(vertx, wsClient, clientId, target, config, this::flushRequestedByServer);
      sender = wsSender;
    } else {
      io.vertx.core.http.HttpClient core = vertx.createHttpClient(config.tls().apply(new WebClientOptions()
          .setKeepAlive(true)
          .setSendBufferSize(SEND_BUFFER)
          .setUserAgent("outflux-client")), new PoolOptions().setHttp1MaxSize(8));
      httpClient = WebClient.wrap(core);
      // the health probes' own pool: with every batch connection busy uploading over a slow link, a
      // probe in the same pool would wait for one and the server would look frozen
      probeClient = vertx.createHttpClient(config.tls().apply(new WebClientOptions()
          .setKeepAlive(true)
          .setUserAgent("outflux-client")), new PoolOptions().setHttp1MaxSize(2));
      sender = new HttpBatchSender(vertx, core, probeClient, clientId, target, config.requestTimeout(),
          config.stallTimeout(), config.compression());
    }
    vertx.eventBus().<Batch>localConsumer(ClientBus.BATCHES, this::onBatch);
    flushes = new SendingFlushes(vertx, new SendingFlushes.Link() {
      @Override
      public Optional<String> closedBeyond(Duration timeout) {
        return meter == null ? Optional.empty()
            : LinkStatusJson.closedBeyond(LinkStatusJson.of(meter.status(), config.link(), overrideWindows),
                Instant.now(), timeout);
      }

      @Override
      public void override(boolean on) {
        TransportVerticle.this.override(on);
      }

      @Override
      public void retryCredentialsNow() {
        TransportVerticle.this.retryCredentialsNow();
      }

      @Override
      public String lastProblem() {
        return meterWaiting ? "metered link: " + LinkStatusJson.closedReason(meter.status(), config.link())
            .orElse("the daily quota (link.dailyQuota) or the rate (link.maxRate)")
            : connection != ClientMeters.Connection.CONNECTED && lastError != null ? lastError : "";
      }
    });
    vertx.eventBus().<SendingFlush>localConsumer(ClientBus.FLUSH_SENDING, flushes::on);
    vertx.eventBus().localConsumer(ClientBus.STATUS_TRANSPORT, msg -> msg.reply(status()));
    vertx.eventBus().<Progress>localConsumer(ClientBus.GOODBYE, msg -> goodbye(msg.body() != null ? msg.body() : meters.latestProgress()).onComplete(ar -> msg.reply(null)));
    if (wsSender != null) {
      vertx.eventBus().<Progress>localConsumer(ClientBus.PROGRESS, msg -> wsSender.report(msg.body()));
    }
    return meter == null ? Future.succeededFuture() : startMeter();
  }

  private Future<?> startMeter() {
    config.link().networkInterface().ifPresent(name -> {
      InterfaceState state = interfaces != null ? interfaces : InterfaceState.sysfs(vertx, LinkConfig.SYS_CLASS_NET);
      meter.interfaceUp(false); // until the first look: nothing goes over a link that may be down
      vertx.setPeriodic(1, InterfaceState.POLL.toMillis(), id -> state.isUp(name).onSuccess(up -> {
        if (up != meter.status().interfaceUp()) {
          log.info("metered link: network interface {} is {}", name, up ? "up: sending may go on" : "down: sending pauses");
        }
        meter.interfaceUp(up);
      }));
    });
    if (quotaStore.isEmpty() || config.link().dailyQuota() <= 0) {
      return Future.succeededFuture();
    }
    QuotaStore store = quotaStore.get();
    return vertx.executeBlocking(store::load)
        .onSuccess(saved -> saved.ifPresent(usage -> {
          meter.restore(usage);
          log.info("metered link: {} bytes of the daily quota used on {} (from {})", usage.usedBytes(), usage.day(),
              store.file());
        }))
        .recover(err -> {
          log.warn("metered link: {}; the day's quota count starts at 0", err.getMessage());
          return Future.succeededFuture();
        });
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    if (wsSender != null) {
      wsSender.close();
      return wsClient.close();
    }
    httpClient.close();
    probeClient.close();
    return Future.succeededFuture();
  }

  /** Batches taken over and not yet settled: a batch handed over again (a late answer) is not sent twice. */
  private final java.util.Set<Long> taken = new java.util.HashSet<>();

  private void onBatch(Message<Batch> msg) {
    Batch batch = msg.body();
    msg.reply(null); // taken over; the outcome goes to DELIVERED
    if (!taken.add(batch.seq())) {
      return;
    }
    Promise<Delivery> delivered = Promise.promise();
    attempt(new Attempt(batch, 0, delivered), false);
    delivered.future().onSuccess(d -> {
      taken.remove(batch.seq());
      vertx.eventBus().send(ClientBus.DELIVERED, d, ClientBus.LOCAL);
    });
  }

  /** One batch on its way: how often it failed so far, and whom to tell when it is acknowledged. */
  private record Attempt(Batch batch, int failures, Promise<Delivery> delivered) {
    Attempt failedOnce() {
      return new Attempt(batch, failures + 1, delivered);
    }
  }

  /** @param probe true for the single attempt that tests refused credentials again */
  private void attempt(Attempt a, boolean probe) {
    if (stopped) {
      return;
    }
    if (authBlocked && !probe) {
      parked.add(a);
      return;
    }
    Batch batch = a.batch();
    if (meter != null) {
      Duration wait = meter.delay(batch.bytes(), overrideWindows);
      if (!wait.isZero()) {
        // a metered link: outside a window, over the quota or the rate; the batch waits in memory,
        // the in-flight window stays full and the tail stops reading (nothing is dropped)
        if (!meterWaiting && wait.toSeconds() >= 1) {
          meterWaiting = true;
          String why = LinkStatusJson.closedReason(meter.status(), config.link()).orElse(
              "the daily quota (link.dailyQuota) or the rate (link.maxRate)");
          log.info("metered link: sending pauses for {}: {}; quota left: {}", Human.duration(wait), why,
              meter.quotaLeft() < 0 ? "unlimited" : Human.bytes(meter.quotaLeft()));
        }
        long[] timer = new long[1];
        timer[0] = vertx.setTimer(Math.max(1, wait.toMillis()), t -> {
          meterParked.remove(timer[0]);
          attempt(a, probe);
        });
        meterParked.put(timer[0], () -> attempt(a, probe));
        return;
      }
      meterWaiting = false;
      meter.sent(batch.bytes());
      saveQuota();
    }
    URI server = currentServer();
    meters.linesSent.increment(batch.lines());
    sender.send(server, batch).onSuccess(result -> {
      if (result instanceof SendResult.Acked acked) {
        linkState(ClientMeters.Connection.CONNECTED, server, true, null);
        if (a.failures() > 0) {
          log.info("batch {} delivered to {} after {} failed attempts", batch.seq(), server, a.failures());
        }
        unblock();
        var reply = acked.reply();
        UnlistedRejects.of(vertx, batch, reply, target.precision())
            .onSuccess(rejected -> a.delivered().complete(new Delivery(batch.seq(), reply.written(), rejected)));
      } else if (result instanceof SendResult.Retryable r) {
        linkState(ClientMeters.Connection.RETRYING, server, false, r.reason());
        meters.retriesUnavailable.increment();
        failOver(server);
        retry(a.failedOnce(), probe, r.retryAfter(), r.reason());
      } else if (result instanceof SendResult.AuthRejected rejected) {
        linkState(ClientMeters.Connection.AUTH_REFUSED, server, true,
            "credentials refused (HTTP " + rejected.status() + ": " + rejected.reason() + ")");
        meters.retriesAuth.increment();
        block(a.failedOnce(), rejected);
      } else if (result instanceof SendResult.Refused f && f.status() == 413) {
        // larger than the server's body limit: resending it as it is would fail forever
        linkState(ClientMeters.Connection.CONNECTED, server, true, null);
        a.delivered().complete(Delivery.tooLarge(batch.seq(), f.reason()));
      } else if (result instanceof SendResult.Refused f) {
        String why = "the server refused the batch (HTTP " + f.status() + ": " + f.reason() + ")";
        linkState(ClientMeters.Connection.RETRYING, server, true, why);
        meters.retriesRefused.increment();
        retry(a.failedOnce(), probe, Optional.empty(), why);
      }
    });
  }

  /**
   * What the latest attempt says about the link, for {@code outflux status} and the connection meter.
   *
   * @param answered the server answered (an ack or a refusal), as opposed to a retryable failure
   * @param error what went wrong, or null
   */
  private void linkState(ClientMeters.Connection state, URI server, boolean answered, String error) {
    connection = state;
    meters.connection(state, server.toString());
    if (answered) {
      lastContactAt = Instant.now();
    }
    if (error != null) {
      lastError = error;
      lastErrorAt = Instant.now();
    }
  }

  /** A forced flush began (true) or ended (false): while it runs, windows and the interface are ignored. */
  private void override(boolean on) {
    overrideWindows = on;
    if (on && !meterParked.isEmpty()) {
      log.info("forced flush: sending {} batches outside the transfer window now", meterParked.size());
      List<Runnable> now = new ArrayList<>(meterParked.values());
      meterParked.keySet().forEach(vertx::cancelTimer);
      meterParked.clear();
      now.forEach(Runnable::run);
    }
  }

  /** Saves the quota's count on a worker, one write at a time; a count that changed meanwhile is written next. */
  private void saveQuota() {
    if (quotaStore.isEmpty() || config.link().dailyQuota() <= 0) {
      return;
    }
    if (quotaSaving) {
      quotaDirty = true;
      return;
    }
    quotaSaving = true;
    quotaDirty = false;
    LinkMeter.QuotaUsage usage = meter.usage();
    vertx.executeBlocking(() -> {
      quotaStore.get().save(usage);
      return null;
    }).onComplete(ar -> {
      quotaSaving = false;
      if (ar.failed()) {
        log.warn("metered link: {}", ar.cause().getMessage());
      }
      if (quotaDirty) {
        saveQuota();
      }
    });
  }

  private JsonObject status() {
    JsonObject json = new JsonObject()
        .put("server", config.servers().get(serverIndex).toString())
        .put("servers", config.servers().stream().map(URI::toString).collect(java.util.stream.Collectors.toList()))
        .put("connection", connection.label())
        .put("streaming", streaming);
    if (lastError != null && connection != ClientMeters.Connection.CONNECTED) {
      json.put("lastError", lastError).put("lastErrorAt", lastErrorAt.toString());
    }
    if (lastContactAt != null) {
      json.put("lastContactAt", lastContactAt.toString());
    }
    json.put("link", meter == null ? new JsonObject().put("limited", false)
        : LinkStatusJson.of(meter.status(), config.link(), overrideWindows));
    return json;
  }

  private URI currentServer() {
    List<URI> servers = config.servers();
    if (serverIndex != 0 && System.nanoTime() - failedOverAt > config.failbackAfter().toNanos()) {
      log.info("trying the first server {} again after {} on {}", servers.get(0),
          Human.duration(config.failbackAfter()), servers.get(serverIndex));
      serverIndex = 0;
    }
    return servers.get(serverIndex);
  }

  private void failOver(URI failed) {
    List<URI> servers = config.servers();
    if (servers.size() > 1 && servers.get(serverIndex).equals(failed)) {
      serverIndex = (serverIndex + 1) % servers.size();
      failedOverAt = System.nanoTime();
      log.warn("failing over from {} to {}", failed, servers.get(serverIndex));
    }
  }

  private void retry(Attempt a, boolean probe, Optional<Duration> retryAfter, String reason) {
    Duration delay = backoff.delay(a.failures(), retryAfter);
    // log the first failure and then sparsely, so an outage of hours does not flood the log
    if (a.failures() == 1 || Integer.bitCount(a.failures()) == 1) {
      log.warn("batch {} ({} lines) not delivered, attempt {}: {}; retrying in {}",
          a.batch().seq(), a.batch().lines(), a.failures(), reason, Human.duration(delay));
    }
    vertx.setTimer(delay.toMillis(), id -> attempt(a, probe));
  }

  private void block(Attempt a, SendResult.AuthRejected rejected) {
    parked.add(a);
    if (probeTimer >= 0) {
      return; // a probe is scheduled already
    }
    String reason = "the server refused the InfluxDB credentials of " + target.credentials().principal()
        + " (HTTP " + rejected.status() + ": " + rejected.reason() + "); check influx.username and influx.password in "
        + configSource + " and the user's permissions on database " + target.database() + " in the central InfluxDB";
    flushes.blocked(reason);
    if (!authBlocked) {
      log.error("stopped sending: {}. The spool keeps growing on disk; trying again every {} (or at once on "
          + "outflux flush)", reason, Human.duration(config.authRetryInterval()));
    } else {
      log.warn("still refused: {}; trying again in {}", reason, Human.duration(config.authRetryInterval()));
    }
    authBlocked = true;
    probeTimer = vertx.setTimer(config.authRetryInterval().toMillis(), id -> probe());
  }

  /** A graceful stop: tell the server (the fleet view shows "stopped"); a failure only means it sees silence. */
  private Future<Void> goodbye(Progress progress) {
    Progress p = progress == null ? Progress.NONE : progress;
    if (wsSender != null) {
      wsSender.goodbye(p);
      return Future.succeededFuture();
    }
    return ((HttpBatchSender) sender).goodbye(currentServer(), p).recover(err -> Future.succeededFuture());
  }

  /** A flush asks: probe the refused credentials now rather than at the next interval. */
  private void retryCredentialsNow() {
    if (authBlocked && probeTimer >= 0) {
      vertx.cancelTimer(probeTimer);
      log.info("flush requested: trying the refused credentials of {} now", target.credentials().principal());
      probe();
    }
  }

  /** Sends one parked batch to test the credentials; the others follow once it is acknowledged. */
  private void probe() {
    probeTimer = -1;
    if (parked.isEmpty()) {
      authBlocked = false;
      return;
    }
    log.info("trying the credentials of {} again", target.credentials().principal());
    attempt(parked.remove(0), true);
  }

  private void unblock() {
    if (!authBlocked) {
      return;
    }
    log.info("the server accepts the credentials of {} again; sending resumes", target.credentials().principal());
    vertx.cancelTimer(probeTimer);
    probeTimer = -1;
    authBlocked = false;
    List<Attempt> resume = new ArrayList<>(parked);
    parked.clear();
    resume.forEach(p -> attempt(p, false));
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
