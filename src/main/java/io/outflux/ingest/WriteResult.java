package io.outflux.ingest;

import io.outflux.protocol.BatchReply.RejectedLine;
import java.time.Duration;
import java.util.List;

/**
 * What InfluxDB made of a write, classified once here so the HTTP front only maps it to a reply.
 */
public sealed interface WriteResult {

  /**
   * InfluxDB stored the lines; those listed in {@code rejected} it refused for good, and
   * {@code unlisted} more it refused that are not listed (a reply names a bounded number).
   */
  record Written(long written, List<RejectedLine> rejected, long unlisted) implements WriteResult {
    public Written(long written, List<RejectedLine> rejected) {
      this(written, rejected, 0);
    }
  }

  /** 401 (unknown user, wrong password) or 403 (no permission on the database). */
  record AuthFailed(int status, String message) implements WriteResult {
  }

  /** InfluxDB is down, overloaded or timed out: nothing is acked, the client retries. */
  record Retryable(String message, Duration retryAfter) implements WriteResult {
  }

  /** A request that will fail the same way until someone acts (unknown database, too large). */
  record Failed(int status, String message) implements WriteResult {
  }
}
