package io.outflux.transport;

import java.time.Duration;
import java.util.Optional;

/**
 * Where and when the client's control channel connects next: the servers in their configured
 * order, the next one after a failure, with the transport's backoff; a server that has no
 * control channel (an older outflux, 404 on the upgrade) is asked again only every
 * {@link #OLD_SERVER_RETRY}, refused credentials only every {@code transport.authRetryInterval}
 * (each refusal counts in the server's password throttle). After {@code failbackAfter} on a later server the channel goes back
 * to the first. Pure; the attempt counter is the only state besides the index.
 */
public final class ControlRetry {

  public static final Duration OLD_SERVER_RETRY = Duration.ofMinutes(5);

  /** The next attempt: which server, after how long. */
  public record Step(int server, Duration delay) {
  }

  private final int servers;
  private final Backoff backoff;
  private final Duration authRetry;
  private int index;
  private int failures;

  /** @param authRetry how long to wait after refused credentials (each refusal counts in the server's throttle) */
  public ControlRetry(int servers, Backoff backoff, Duration authRetry) {
    this.servers = servers;
    this.backoff = backoff;
    this.authRetry = authRetry;
  }

  public int server() {
    return index;
  }

  public void connected() {
    failures = 0;
  }

  /**
   * The attempt on the current server failed, or its channel closed.
   *
   * @param status the HTTP status of a refused upgrade, 0 for a connection error or a close
   */
  public Step failed(int status) {
    failures++;
    index = servers == 0 ? 0 : (index + 1) % servers;
    Duration delay = backoff.delay(Math.min(failures, 30), Optional.empty());
    if (status == 404 && failures >= servers) {
      // every server was tried and none offers the channel
      delay = OLD_SERVER_RETRY;
    } else if (status == 401 || status == 403) {
      delay = authRetry;
    }
    return new Step(index, delay);
  }

  /** Connected to a later server than the first: how long until going back to the first, if ever. */
  public Optional<Duration> failback(Duration failbackAfter) {
    return index == 0 || failbackAfter.isZero() ? Optional.empty() : Optional.of(failbackAfter);
  }

  /** Time to go back to the first server. */
  public Step failingBack() {
    index = 0;
    failures = 0;
    return new Step(0, Duration.ZERO);
  }
}
