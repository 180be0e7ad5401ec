package io.outflux.server;

import io.outflux.protocol.ControlProtocol;
import io.outflux.protocol.LogSafe;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/v1/control} upgraded to a WebSocket ({@link ControlProtocol}): the channel every
 * client keeps open so that a flush reaches it whatever its sync rule. The credentials are checked
 * before the upgrade, as for a stream; the node's {@link ControlRegistry} holds the open channels.
 */
final class ControlHandler implements Handler<RoutingContext> {

  private static final Logger log = LoggerFactory.getLogger(ControlHandler.class);

  private final Vertx vertx;
  private final BatchIngest ingest;
  private final NodeGuards guards;
  private final int maxChannels;
  private final int maxPerClient;
  private final Supplier<String> node;
  /** This front instance's channels, closed when the node stops. */
  private final Set<ServerWebSocket> mine = new HashSet<>();

  ControlHandler(Vertx vertx, BatchIngest ingest, FrontConfig config, Supplier<String> node) {
    this.vertx = vertx;
    this.ingest = ingest;
    this.guards = ingest.guards();
    this.maxChannels = config.maxStreams();
    this.maxPerClient = config.maxStreamsPerClient();
    this.node = node;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Optional<UpgradeRequest> read = UpgradeRequest.read(ctx);
    if (read.isEmpty()) {
      return;
    }
    UpgradeRequest up = read.get();
    if (guards.draining()) {
      ctx.response().putHeader("Retry-After", "1");
      BatchHandler.error(ctx, 503, "this node is stopping; connect to another node");
      return;
    }
    int version = ControlProtocol.agree(ctx.request().getParam(ControlProtocol.PARAM_VERSION));
    ctx.request().pause();
    // the database and retention policy the client's batches go to (a site's routing may change them)
    SiteConfig.Target target = ingest.route(up.clientId(), CertificateName.of(ctx.request()), up.database(),
        up.retentionPolicy());
    ingest.admit(up.credentials(), target.database(), target.retentionPolicy(), up.remoteHost(), up.clientId())
        .onComplete(ar -> {
          if (ar.failed() || ar.result().isPresent()) {
            IngestOutcome.NotStored n = ar.failed()
                ? new IngestOutcome.NotStored(503, "cannot check credentials: " + ar.cause().getMessage(), Optional.empty())
                : ar.result().get();
            n.retryAfter().ifPresent(d -> ctx.response().putHeader("Retry-After", Long.toString(Math.max(1, d.toSeconds()))));
            BatchHandler.error(ctx, n.status(), n.message());
            ctx.request().resume();
            return;
          }
          ctx.request().toWebSocket()
              .onSuccess(ws -> attach(up, ws, version))
              .onFailure(err -> log.warn("control channel upgrade for client {} failed: {}", up.clientId(),
                  LogSafe.of(err.toString())));
        });
  }

  private void attach(UpgradeRequest up, ServerWebSocket ws, int version) {
    ControlRegistry.Channel channel = new ControlRegistry.Channel(up.clientId(),
        ingest.clientKey(up.credentials(), up.clientId()), vertx.getOrCreateContext(), ws);
    if (!guards.control.add(channel, maxChannels, maxPerClient)) {
      ws.close((short) 1013, "too many control channels on this node (http.maxStreams, http.maxStreamsPerClient)");
      return;
    }
    mine.add(ws);
    log.debug("client {} opened its control channel ({} on this node)", up.clientId(), guards.control.size());
    ws.textMessageHandler(text -> {
      try {
        JsonObject json = new JsonObject(text);
        if (ControlProtocol.TYPE_FLUSHED.equals(json.getValue(ControlProtocol.TYPE))) {
          channel.answered(json);
        }
      } catch (DecodeException e) {
        log.debug("ignoring an unreadable control message from client {}", up.clientId());
      }
    });
    ws.exceptionHandler(err -> log.debug("control channel of client {}: {}", up.clientId(), LogSafe.of(err.toString())));
    ws.closeHandler(v -> {
      mine.remove(ws);
      guards.control.remove(channel);
      channel.closed();
    });
    ws.writeTextMessage(ControlProtocol.hello(version, node.get()).encode());
  }

  /** The node stops: its clients open their channel on another node. */
  void drain() {
    List.copyOf(mine).forEach(ws -> {
      if (!ws.isClosed()) {
        ws.close((short) 1001, "server stopping");
      }
    });
  }
}
