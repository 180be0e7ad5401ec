package io.outflux.audit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.outflux.backfill.Backfill;
import io.outflux.backfill.InfluxQuery;
import io.outflux.backfill.InfluxSource;
import io.outflux.batch.Progress;
import io.outflux.client.ClientBus;
import io.outflux.metrics.Metrics;
import io.outflux.protocol.WireProtocol;
import io.outflux.transport.InfluxTarget;
import io.outflux.transport.TransportConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.core.buffer.Buffer;
import java.io.PrintStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the continuous audit ({@link AuditPlanner} decides, this executes): every
 * {@code audit.interval}, counts closed windows at the edge (its InfluxDB, {@code edge.*}) and
 * centrally (the server's {@link AuditQuery#PATH}, with the client's credentials), re-sends the
 * windows the centre lacks from the edge into the spool (the backfill path, exact line protocol),
 * compares them again {@code audit.recheckAfter} later, and keeps its state in
 * {@code <spool.checkpoint>.audit}. Edge queries, re-sending and the state file run on workers;
 * one cycle at a time. Status on {@link ClientBus#STATUS_AUDIT}.
 */
public final class AuditVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(AuditVerticle.class);
  /** The batcher's latest figures ({@link ClientBus#PROGRESS}, about once a second); null before the first. */
  private Progress progress;

  private final String clientId;
  private final AuditConfig config;
  private final InfluxSource edgeSource;
  private final InfluxTarget influx;
  private final TransportConfig transport;
  private final Path spool;
  private final Path stateFile;
  private final Clock clock;
  private AuditPlanner planner;
  private WebClient web;
  private InfluxQuery edge;
  private Backfill backfill;
  private boolean running;
  private String waiting;
  private String lastError;
  private Instant lastCycleAt;
  private long resentPoints;
  private final long[] reported = new long[4];
  private Counter[] counters;
  private long timer = -1;

  public AuditVerticle(String clientId, AuditConfig config, InfluxSource edge, InfluxTarget influx,
                       TransportConfig transport, Path spool, Path stateFile, Clock clock) {
    this.clientId = clientId;
    this.config = config;
    this.edgeSource = edge;
    this.influx = influx;
    this.transport = transport;
    this.spool = spool;
    this.stateFile = stateFile;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    planner = new AuditPlanner(config);
    edge = new InfluxQuery(edgeSource);
    backfill = new Backfill(edge, Optional.empty(), spool, influx.precision(),
        new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8));
    web = WebClient.create(vertx, transport.tls().apply(new WebClientOptions().setUserAgent("outflux-audit")));
    MeterRegistry r = Metrics.registry();
    String[] results = {"checked", "differing", "repaired", "unrepairable"};
    counters = new Counter[results.length];
    for (int i = 0; i < results.length; i++) {
      counters[i] = Counter.builder("outflux_client_audit_windows").tag("result", results[i])
          .tag(io.outflux.client.ClientMeters.CLIENT_TAG, clientId).description("audit windows (measurement x window) by outcome").register(r);
    }
    Gauge.builder("outflux_client_audit_verified_up_to_seconds", this,
            a -> a.planner.verifiedUpTo().map(t -> (double) t.getEpochSecond()).orElse(0.0))
        .description("every audit window before this time (s since the epoch) matches the centre")
        .tag(io.outflux.client.ClientMeters.CLIENT_TAG, clientId).register(r);
    vertx.eventBus().<Object>localConsumer(ClientBus.STATUS_AUDIT, msg -> msg.reply(status()));
    vertx.eventBus().<Progress>localConsumer(ClientBus.PROGRESS, msg -> progress = msg.body());
    return vertx.executeBlocking(this::readState).onSuccess(state -> {
      state.ifPresent(planner::restore);
      long first = Math.min(config.interval().toMillis(), 2_000);
      timer = vertx.setPeriodic(first, config.interval().toMillis(), id -> cycle());
      log.info("audit every {} over {} windows older than {}", config.interval(), config.window(), config.lag());
    });
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    web.close();
    return Future.succeededFuture();
  }

  private JsonObject status() {
    JsonObject json = planner.toJson().put("enabled", true).put("resentPoints", resentPoints);
    if (lastCycleAt != null) {
      json.put("lastCycleAt", lastCycleAt.toString());
    }
    if (waiting != null) {
      json.put("waiting", waiting);
    }
    if (lastError != null) {
      json.put("lastError", lastError);
    }
    return json;
  }

  /** One cycle; a cycle still running when the timer fires again is left alone. */
  Future<Void> cycle() {
    if (running) {
      return Future.succeededFuture();
    }
    running = true;
    // the batcher's latest published figures (PROGRESS), not its status: no stage decides from another's status
    Progress batch = progress;
    return Future.succeededFuture(batch)
        .compose(p -> {
          Instant now = clock.instant();
          Optional<String> wait = planner.mayRun(now, transport.link().zone(), transport.link().windows(),
              p == null ? 0.0 : p.lagSeconds());
          waiting = wait.orElse(null);
          boolean drained = p != null && p.backlogBytes() == 0;
          return wait.isPresent() ? Future.<Void>succeededFuture() : run(now, drained);
        })
        .onSuccess(v -> lastError = null)
        .onFailure(err -> {
          lastError = err.getMessage();
          log.warn("audit cycle failed (tried again in {}): {}", config.interval(), err.getMessage());
        })
        .eventually(() -> {
          running = false;
          report();
          tellServer();
          return vertx.executeBlocking(() -> {
            writeState(planner.toJson());
            return null;
          }).otherwise(err -> {
            log.warn("audit state not saved in {}: {}", stateFile, err.toString());
            return null;
          });
        })
        .mapEmpty();
  }

  private Future<Void> run(Instant now, boolean drained) {
    lastCycleAt = now;
    return vertx.executeBlocking(() -> config.measurements().isEmpty() ? backfill.measurements() : config.measurements())
        .compose(all -> {
          List<String> measurements = all.size() > AuditQuery.MAX_MEASUREMENTS
              ? all.subList(0, AuditQuery.MAX_MEASUREMENTS) : all;
          return recheck(now, drained).compose(v -> compareNext(now, measurements));
        });
  }

  /** Windows re-sent a while ago: compared again, one request per window start. */
  private Future<Void> recheck(Instant now, boolean drained) {
    Map<Long, List<String>> byStart = new LinkedHashMap<>();
    planner.due(now, drained).forEach(k -> byStart.computeIfAbsent(k.start(), s -> new ArrayList<>()).add(k.measurement()));
    Future<Void> chain = Future.succeededFuture();
    for (Map.Entry<Long, List<String>> e : byStart.entrySet()) {
      AuditQuery.Span span = new AuditQuery.Span(e.getKey(), e.getKey() + planner.windowNanos(),
          planner.window().toSeconds());
      chain = chain.compose(v -> counts(span, e.getValue()).map(c -> {
        for (String m : e.getValue()) {
          long here = c[0].getOrDefault(m, Map.of()).getOrDefault(span.fromNanos(), 0L);
          long there = c[1].getOrDefault(m, Map.of()).getOrDefault(span.fromNanos(), 0L);
          planner.rechecked(new AuditPlanner.Key(m, span.fromNanos()), here, there);
          log.info("audit: {} {} re-checked after re-sending: edge {}, centre {}", m, AuditPlanner.instant(span.fromNanos()),
              here, there);
        }
        return null;
      }));
    }
    return chain;
  }

  private Future<Void> compareNext(Instant now, List<String> measurements) {
    Optional<AuditQuery.Span> next = planner.next(now, measurements.size());
    if (next.isEmpty()) {
      return Future.succeededFuture();
    }
    AuditQuery.Span span = next.get();
    return counts(span, measurements).compose(c -> {
      List<AuditPlanner.Key> resend = planner.compared(span, measurements, c[0], c[1], now);
      Future<Void> chain = Future.succeededFuture();
      for (AuditPlanner.Key key : resend) {
        chain = chain.compose(v -> resend(key));
      }
      return chain;
    });
  }

  private Future<Void> resend(AuditPlanner.Key key) {
    Instant from = AuditPlanner.instant(key.start());
    Instant to = AuditPlanner.instant(key.start() + planner.windowNanos());
    return vertx.executeBlocking(() -> backfill.resend(key.measurement(), from, to))
        .onSuccess(counted -> {
          resentPoints += counted[0];
          log.info("audit: {} {} .. {} differs: re-sent {} points from the edge through the spool{}", key.measurement(),
              from, to, counted[0], counted[1] > 0 ? " (" + counted[1] + " rows cannot be lines)" : "");
        })
        .<Void>mapEmpty()
        .recover(err -> {
          planner.resendFailed(key, "re-sending from the edge failed: " + err.getMessage());
          return Future.succeededFuture();
        });
  }

  /** {edge counts, central counts} of one span. */
  @SuppressWarnings("unchecked")
  private Future<Map<String, Map<Long, Long>>[]> counts(AuditQuery.Span span, List<String> measurements) {
    Future<Map<String, Map<Long, Long>>> here = vertx.executeBlocking(() -> edgeCounts(span, measurements));
    return here.compose(e -> central(span, measurements, 0).map(c -> (Map<String, Map<Long, Long>>[]) new Map[] {e, c}));
  }

  private Map<String, Map<Long, Long>> edgeCounts(AuditQuery.Span span, List<String> measurements) throws Exception {
    JsonObject answer = edge.raw(AuditQuery.influxql(measurements, span, Optional.empty()), "ns");
    return AuditQuery.counts(measurements, answer);
  }

  /** The server's counts, trying the servers in order. */
  private Future<Map<String, Map<Long, Long>>> central(AuditQuery.Span span, List<String> measurements, int index) {
    URI server = transport.servers().get(index);
    HttpRequest<Buffer> request = web.getAbs(server.toString().replaceAll("/+$", "") + AuditQuery.PATH)
        .addQueryParam(WireProtocol.PARAM_DB, influx.database())
        .addQueryParam("from", Long.toString(span.fromNanos()))
        .addQueryParam("to", Long.toString(span.toNanos()))
        .addQueryParam("window", Long.toString(span.windowSeconds()))
        .putHeader("Authorization", influx.credentials().authorizationHeader())
        .putHeader(WireProtocol.HEADER_CLIENT_ID, clientId)
        .timeout(transport.requestTimeout().toMillis());
    if (!influx.retentionPolicy().isEmpty()) {
      request.addQueryParam(WireProtocol.PARAM_RP, influx.retentionPolicy());
    }
    measurements.forEach(m -> request.addQueryParam("measurement", m));
    return request.send().compose(r -> {
      if (r.statusCode() != 200) {
        JsonObject body = r.bodyAsJsonObject();
        return Future.<Map<String, Map<Long, Long>>>failedFuture(new IllegalStateException(server + " answered "
            + r.statusCode() + " to the audit's count: " + (body == null ? "" : body.getString("error", ""))));
      }
      return Future.succeededFuture(AuditQuery.fromJson(r.bodyAsJsonObject().getJsonObject("counts", new JsonObject())));
    }).recover(err -> index + 1 < transport.servers().size() ? central(span, measurements, index + 1)
        : Future.failedFuture(err));
  }

  /** The summary for the server's fleet page; failures only log (the next cycle tells again). */
  private void tellServer() {
    if (lastCycleAt == null) {
      return;
    }
    JsonObject state = planner.toJson();
    JsonObject summary = new JsonObject().put("windows", state.getJsonObject("windows"))
        .put("unrepairable", new io.vertx.core.json.JsonArray(state.getJsonArray("unrepairable").stream()
            .skip(Math.max(0, state.getJsonArray("unrepairable").size() - 10)).toList()));
    if (state.containsKey("verifiedUpTo")) {
      summary.put("verifiedUpTo", state.getString("verifiedUpTo"));
    }
    URI server = transport.servers().get(0);
    HttpRequest<Buffer> request = web.postAbs(server.toString().replaceAll("/+$", "") + AuditQuery.PATH)
        .addQueryParam(WireProtocol.PARAM_DB, influx.database())
        .putHeader("Authorization", influx.credentials().authorizationHeader())
        .putHeader(WireProtocol.HEADER_CLIENT_ID, clientId)
        .timeout(transport.requestTimeout().toMillis());
    if (!influx.retentionPolicy().isEmpty()) {
      request.addQueryParam(WireProtocol.PARAM_RP, influx.retentionPolicy());
    }
    request.sendJsonObject(summary).onComplete(ar -> {
      if (ar.failed() || ar.result().statusCode() != 200) {
        log.debug("audit summary not taken by {}: {}", server, ar.failed() ? ar.cause().toString()
            : ar.result().statusCode());
      }
    });
  }

  private void report() {
    long[] now = {planner.checked(), planner.differing(), planner.repaired(), planner.unrepairableCount()};
    for (int i = 0; i < now.length; i++) {
      if (now[i] > reported[i]) {
        counters[i].increment(now[i] - reported[i]);
      }
      reported[i] = now[i];
    }
  }

  private Optional<JsonObject> readState() throws Exception {
    if (!Files.exists(stateFile)) {
      return Optional.empty();
    }
    try {
      return Optional.of(new JsonObject(Files.readString(stateFile)));
    } catch (RuntimeException e) {
      log.warn("audit state {} unreadable ({}): starting over", stateFile, e.getMessage());
      return Optional.empty();
    }
  }

  private void writeState(JsonObject state) throws Exception {
    Path tmp = stateFile.resolveSibling(stateFile.getFileName() + ".tmp");
    Files.writeString(tmp, state.encodePrettily());
    Files.move(tmp, stateFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
