package io.outflux.ingest;

import io.outflux.protocol.Credentials;
import io.outflux.lineprotocol.Precision;
import io.vertx.core.buffer.Buffer;

/** Lines to write into InfluxDB with the client's own credentials. */
public record WriteRequest(Credentials credentials, String database, String retentionPolicy, Precision precision,
                           Buffer lines, long lineCount) {
}
