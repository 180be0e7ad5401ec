package io.outflux.server;

import io.outflux.protocol.Credentials;
import io.outflux.lineprotocol.Precision;
import io.vertx.core.buffer.Buffer;
import java.util.Optional;

/**
 * A batch as received from a client, whatever the transport (HTTP POST or WebSocket frame).
 *
 * @param certificate the name of the client's TLS certificate ({@link CertificateName}), if it presented one
 */
public record IncomingBatch(String clientId, long seq, Credentials credentials, String database,
                            String retentionPolicy, Precision precision, Buffer lines, Optional<String> certificate) {

  public IncomingBatch(String clientId, long seq, Credentials credentials, String database, String retentionPolicy,
                       Precision precision, Buffer lines) {
    this(clientId, seq, credentials, database, retentionPolicy, precision, lines, Optional.empty());
  }

  /** The same batch for another database and retention policy (a route of {@code sites.routes}). */
  IncomingBatch to(SiteConfig.Target target) {
    return new IncomingBatch(clientId, seq, credentials, target.database(), target.retentionPolicy(), precision, lines,
        certificate);
  }
}
