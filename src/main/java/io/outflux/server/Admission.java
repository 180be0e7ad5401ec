package io.outflux.server;

import io.outflux.ingest.AuthRequest;
import io.outflux.ingest.AuthResult;
import io.outflux.protocol.Credentials;
import io.outflux.protocol.LogSafe;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a request's credentials may do what it asks, by asking the backing InfluxDB (there is no
 * other user store): write to a database and retention policy, or act as an operator. A cached
 * acceptance is answered at once and never throttled; anything else goes through the node's
 * {@link AuthThrottle} first, and identical checks in flight on this event loop share one answer
 * (a client's eight batches after the cache expired cost one check, not eight).
 */
final class Admission {

  private static final Logger log = LoggerFactory.getLogger(Admission.class);
  static final Duration RETRY_SOON = Duration.ofSeconds(1);

  private final Vertx vertx;
  private final NodeGuards guards;
  private final long busTimeoutMs;
  private final ServerMeters meters;
  /** Checks in flight from this front instance, by credential and target (event-loop confined). */
  private final Map<String, Future<AuthResult>> pending = new HashMap<>();

  Admission(Vertx vertx, NodeGuards guards, long busTimeoutMs, ServerMeters meters) {
    this.meters = meters;
    this.vertx = vertx;
    this.guards = guards;
    this.busTimeoutMs = busTimeoutMs;
  }

  /** Empty when admitted; otherwise the answer to give (401, 403, 404, 429, 503). */
  Future<Optional<IngestOutcome.NotStored>> check(AuthRequest request, String remoteHost) {
    Credentials credentials = request.credentials();
    if (guards.cache.isAccepted(credentials, request.target())) {
      return Future.succeededFuture(Optional.empty());
    }
    String key = guards.cache.key(credentials) + request.target();
    Future<AuthResult> inFlight = pending.get(key);
    if (inFlight == null) {
      String group = AddressGroup.of(remoteHost, guards.auth.ipv4PrefixLength(), guards.auth.ipv6PrefixLength());
      AuthThrottle.Decision decision = guards.throttle.begin(group, credentials.userName(),
          guards.cache.isKnownGood(credentials));
      if (decision instanceof AuthThrottle.Wait wait) {
        meters.authThrottled.increment();
        return Future.succeededFuture(Optional.of(new IngestOutcome.NotStored(429, wait.reason(),
            Optional.of(wait.retryAfter()))));
      }
      AuthThrottle.Ticket ticket = (AuthThrottle.Ticket) decision;
      inFlight = ask(request).andThen(ar -> {
        pending.remove(key);
        guards.throttle.end(ticket, ar.succeeded() && ar.result() instanceof AuthResult.Rejected r && r.status() == 401);
        if (ar.succeeded()) {
          remember(request, ar.result(), remoteHost);
        }
      });
      if (!inFlight.isComplete()) {
        pending.put(key, inFlight);
      }
    }
    return inFlight.map(auth -> answer(request, auth))
        .otherwise(err -> Optional.of(retryLater("internal error: " + err.getMessage())));
  }

  private Future<AuthResult> ask(AuthRequest request) {
    return vertx.eventBus().<AuthResult>request(ServerBus.AUTHENTICATE, request, ServerBus.local(busTimeoutMs))
        .map(msg -> msg.body());
  }

  private void remember(AuthRequest request, AuthResult result, String remoteHost) {
    if (result instanceof AuthResult.Accepted) {
      guards.cache.accepted(request.credentials(), request.target());
    } else if (result instanceof AuthResult.Rejected r) {
      meters.authFailures.increment();
      if (r.status() == 401) {
        guards.cache.forget(request.credentials());
      }
      log.info("refused {} from {}{}: InfluxDB answered {}", LogSafe.of(request.credentials().principal()),
          LogSafe.of(remoteHost), request.role() == AuthRequest.Role.OPERATOR ? " as an operator"
              : " for database " + LogSafe.of(request.database()), r.status());
    }
  }

  private static Optional<IngestOutcome.NotStored> answer(AuthRequest request, AuthResult auth) {
    if (auth instanceof AuthResult.Rejected r) {
      String message = r.status() == 401 ? "InfluxDB refused the credentials of " + request.credentials().principal()
          + ": " + r.message()
          : "InfluxDB: " + r.message();
      return Optional.of(new IngestOutcome.NotStored(r.status(), message, Optional.empty()));
    }
    if (auth instanceof AuthResult.Unavailable u) {
      return Optional.of(retryLater("cannot check credentials: " + u.message()));
    }
    return Optional.empty();
  }

  /** A write with these credentials went through: they are good for that target for another TTL. */
  void wrote(AuthRequest request) {
    guards.cache.accepted(request.credentials(), request.target());
  }

  /**
   * InfluxDB refused a write with these credentials (401: password changed or user dropped; 403:
   * privilege revoked): forget them and close every stream admitted with them, so a stale admission
   * ends at the first refused write instead of at the cache's TTL.
   */
  void refusedOnWrite(Credentials credentials, int status) {
    guards.cache.forget(credentials);
    int closed = guards.streams.closeAll(guards.cache.key(credentials));
    log.info("InfluxDB refused a write of {} ({}): forgot the credential check{}", LogSafe.of(credentials.principal()),
        status, closed > 0 ? " and closed " + closed + " streams admitted with it" : "");
  }

  static IngestOutcome.NotStored retryLater(String message) {
    return new IngestOutcome.NotStored(503, message, Optional.of(RETRY_SOON));
  }
}
