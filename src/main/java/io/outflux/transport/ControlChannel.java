package io.outflux.transport;

import io.outflux.batch.FlushRequest;
import io.outflux.client.ClientBus;
import io.outflux.protocol.ControlProtocol;
import io.outflux.protocol.WireProtocol;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's end of the control channel ({@link ControlProtocol}): one WebSocket kept open to a
 * server of {@code servers} (the first that takes it, {@link ControlRetry}), whatever the sync rule,
 * so that a flush asked centrally ({@code POST /api/v1/flush}, a message on the cluster's flush
 * address) reaches this client. A flush message runs the same flush as {@code outflux flush} and is
 * answered with the lines it sent once the server acknowledged them. Pings every
 * {@code transport.pingInterval}; three without a pong close it and it reconnects.
 */
public final class ControlChannel extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(ControlChannel.class);
  private static final int SILENT_PINGS = 3;

  private final String clientId;
  private final InfluxTarget target;
  private final TransportConfig config;
  private WebSocketClient client;
  private ControlRetry retry;
  private WebSocket ws;
  private long timer = -1;
  private long pingTimer = -1;
  private long lastHeard;
  private boolean stopped;
  private boolean toldOld;

  public ControlChannel(String clientId, InfluxTarget target, TransportConfig config) {
    this.clientId = clientId;
    this.target = target;
    this.config = config;
  }

  @Override
  public Future<?> start() {
    client = vertx.createWebSocketClient(config.tls().apply(new WebSocketClientOptions().setMaxFrameSize(65536)));
    retry = new ControlRetry(config.servers().size(),
        new Backoff(config.retryInitialDelay(), config.retryMaxDelay(), ThreadLocalRandom.current()::nextDouble), config.authRetryInterval());
    connect();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    vertx.cancelTimer(timer);
    vertx.cancelTimer(pingTimer);
    Future<Void> closed = ws == null || ws.isClosed() ? Future.succeededFuture() : ws.close((short) 1000, "client stopping");
    return closed.transform(ar -> client.close());
  }

  private void connect() {
    if (stopped) {
      return;
    }
    URI server = config.servers().get(retry.server());
    client.connect(options(server)).onComplete(ar -> {
      if (ar.succeeded()) {
        attach(server, ar.result());
      } else {
        int status = ar.cause() instanceof UpgradeRejectedException r ? r.getStatus() : 0;
        if (status == 404 && !toldOld) {
          toldOld = true;
          log.info("the server {} has no control channel (an older outflux): a flush asked there reaches this client"
              + " only if it streams", server);
        } else {
          log.debug("control channel to {} failed: {}", server, ar.cause().toString());
        }
        again(retry.failed(status));
      }
    });
  }

  private void again(ControlRetry.Step step) {
    if (!stopped) {
      timer = vertx.setTimer(Math.max(1, step.delay().toMillis()), t -> connect());
    }
  }

  private void attach(URI server, WebSocket socket) {
    if (stopped) {
      socket.close();
      return;
    }
    ws = socket;
    retry.connected();
    lastHeard = System.nanoTime();
    socket.textMessageHandler(text -> onText(server, socket, text));
    socket.pongHandler(p -> lastHeard = System.nanoTime());
    socket.exceptionHandler(err -> log.debug("control channel to {}: {}", server, err.toString()));
    socket.closeHandler(v -> {
      vertx.cancelTimer(pingTimer);
      vertx.cancelTimer(timer);
      if (ws == socket) {
        ws = null;
        if (!stopped) {
          log.info("control channel to {} closed{}; reconnecting", server,
              socket.closeStatusCode() == null ? "" : " (" + socket.closeStatusCode() + " " + socket.closeReason() + ")");
          again(retry.failed(0));
        }
      }
    });
    long pingMs = config.pingInterval().toMillis();
    pingTimer = vertx.setPeriodic(pingMs, id -> {
      if (System.nanoTime() - lastHeard > Duration.ofMillis(pingMs * SILENT_PINGS).toNanos()) {
        log.warn("control channel to {} silent for {} pings; reconnecting", server, SILENT_PINGS);
        socket.close((short) 1001, "no pong");
      } else {
        socket.writePing(Buffer.buffer("outflux"));
      }
    });
    retry.failback(config.failbackAfter()).ifPresent(after -> timer = vertx.setTimer(after.toMillis(), t -> {
      retry.failingBack();
      ControlRetry.Step back = new ControlRetry.Step(0, Duration.ZERO);
      if (ws == socket) {
        ws = null;
        socket.close((short) 1000, "failing back to the first server");
      }
      again(back);
    }));
  }

  private void onText(URI server, WebSocket socket, String text) {
    lastHeard = System.nanoTime();
    JsonObject json;
    try {
      json = new JsonObject(text);
    } catch (DecodeException e) {
      return;
    }
    Object type = json.getValue(ControlProtocol.TYPE);
    if (ControlProtocol.TYPE_HELLO.equals(type)) {
      log.info("control channel open to {} (protocol {}, node {})", server, json.getValue("version"),
          json.getValue("node"));
    } else if (ControlProtocol.TYPE_FLUSH.equals(type)) {
      String id = json.getString(ControlProtocol.ID, "");
      log.info("the server {} asked for a flush", server);
      vertx.eventBus().<JsonObject>request(ClientBus.FLUSH, FlushRequest.of(FlushRequest.DEFAULT_TIMEOUT),
              new DeliveryOptions().setLocalOnly(true).setSendTimeout(FlushRequest.DEFAULT_TIMEOUT.toMillis() + 5_000))
          .onComplete(ar -> {
            JsonObject answer = ar.succeeded()
                ? ControlProtocol.flushed(id, ar.result().body().getLong(FlushRequest.LINES, 0L))
                : ControlProtocol.flushFailed(id, String.valueOf(ar.cause().getMessage()));
            log.info("flush asked by the server {}: {}", server, ar.succeeded() ? ar.result().body() : answer);
            if (!socket.isClosed()) {
              socket.writeTextMessage(answer.encode());
            }
          });
    }
  }

  private WebSocketConnectOptions options(URI server) {
    String query = ControlProtocol.PARAM_VERSION + "=" + ControlProtocol.VERSION
        + "&" + WireProtocol.PARAM_DB + "=" + URLEncoder.encode(target.database(), StandardCharsets.UTF_8)
        + (target.retentionPolicy().isEmpty() ? ""
            : "&" + WireProtocol.PARAM_RP + "=" + URLEncoder.encode(target.retentionPolicy(), StandardCharsets.UTF_8));
    boolean https = "https".equals(server.getScheme());
    return new WebSocketConnectOptions().setHost(server.getHost())
        .setPort(server.getPort() > 0 ? server.getPort() : https ? 443 : 80).setSsl(https)
        .setURI(ControlProtocol.CONTROL_PATH + "?" + query)
        .setConnectTimeout(config.requestTimeout().toMillis())
        .addHeader(HttpHeaders.AUTHORIZATION.toString(), target.credentials().authorizationHeader())
        .addHeader(WireProtocol.HEADER_CLIENT_ID, clientId);
  }
}
