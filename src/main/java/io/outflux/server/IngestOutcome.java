package io.outflux.server;

import io.outflux.protocol.BatchReply;
import java.time.Duration;
import java.util.Optional;

/** What the server answers for a batch, before it is put into HTTP or WebSocket terms. */
public sealed interface IngestOutcome {

  /** Stored in InfluxDB (some lines may be refused for good): the client may move its checkpoint. */
  record Acked(BatchReply reply) implements IngestOutcome {
  }

  /**
   * Not stored. {@code status} uses HTTP's vocabulary on every transport (401, 403, 404, 503, ...);
   * {@code retryAfter} is set where retrying later is expected to work.
   */
  record NotStored(int status, String message, Optional<Duration> retryAfter) implements IngestOutcome {
  }
}
