package io.outflux.server;

import io.outflux.protocol.BatchSpan;
import io.outflux.protocol.Credentials;
import io.outflux.lineprotocol.Precision;
import io.vertx.core.buffer.Buffer;
import java.util.Optional;

/**
 * A batch as received from a client, whatever the transport (HTTP POST or WebSocket frame).
 *
 * @param certificate the name of the client's TLS certificate ({@link CertificateName}), if it presented one
 * @param span its identity by spool position (wire version 2); empty from a version 1 client
 */
public record IncomingBatch(String clientId, long seq, Credentials credentials, String database,
                            String retentionPolicy, Precision precision, Buffer lines, Optional<String> certificate,
                            Optional<BatchSpan> span) {

  public IncomingBatch(String clientId, long seq, Credentials credentials, String database, String retentionPolicy,
                       Precision precision, Buffer lines) {
    this(clientId, seq, credentials, database, retentionPolicy, precision, lines, Optional.empty());
  }

  public IncomingBatch(String clientId, long seq, Credentials credentials, String database, String retentionPolicy,
                       Precision precision, Buffer lines, Optional<String> certificate) {
    this(clientId, seq, credentials, database, retentionPolicy, precision, lines, certificate, Optional.empty());
  }

  /** The same batch for another database and retention policy (a route of {@code sites.routes}). */
  IncomingBatch to(SiteConfig.Target target) {
    return new IncomingBatch(clientId, seq, credentials, target.database(), target.retentionPolicy(), precision, lines,
        certificate, span);
  }

  /** The same batch with only the lines from byte {@code skip} of the payload on. */
  IncomingBatch from(int skip) {
    return new IncomingBatch(clientId, seq, credentials, database, retentionPolicy, precision,
        lines.slice(skip, lines.length()), certificate, span);
  }
}
