package io.outflux.server;

import io.outflux.protocol.Credentials;
import io.outflux.lineprotocol.Precision;
import io.vertx.core.buffer.Buffer;

/** A batch as received from a client, whatever the transport (HTTP POST or WebSocket frame). */
public record IncomingBatch(String clientId, long seq, Credentials credentials, String database,
                            String retentionPolicy, Precision precision, Buffer lines) {
}
