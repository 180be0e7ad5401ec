package io.outflux.transport;

import io.outflux.protocol.BatchReply;
import java.time.Duration;
import java.util.Optional;

/**
 * What one attempt to send a batch came to. The sender classifies; the transport decides what to
 * do (retry, fail over, log) so that policy lives in one place.
 */
public sealed interface SendResult {

  /** The server stored the batch in InfluxDB (some lines may be listed as refused for good). */
  record Acked(BatchReply reply) implements SendResult {
  }

  /** The link, the server or InfluxDB is unavailable for now; try again later, maybe elsewhere. */
  record Retryable(String reason, Optional<Duration> retryAfter) implements SendResult {
  }

  /** InfluxDB refused the credentials (401) or the permission (403). Needs the operator. */
  record AuthRejected(int status, String reason) implements SendResult {
  }

  /** The server refused the batch itself (unknown database, bad request). Needs the operator. */
  record Refused(int status, String reason) implements SendResult {
  }

  /** Classifies a server's refusal by its HTTP status, the same way for HTTP answers and WebSocket nacks. */
  static SendResult ofStatus(int status, String reason, Optional<Duration> retryAfter) {
    if (status == 401 || status == 403) {
      return new AuthRejected(status, reason);
    }
    if (status == 429 || status >= 500) {
      return new Retryable("HTTP " + status + ": " + reason, retryAfter);
    }
    return new Refused(status, reason);
  }
}
