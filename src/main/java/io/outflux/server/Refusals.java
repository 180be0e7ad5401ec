package io.outflux.server;

import java.util.Optional;

/**
 * Which answers make a sender a "refused" row of the fleet view, and how the row words it: InfluxDB
 * refused the credentials (401), the write permission (403) or the target (404: no such database
 * or retention policy), at admission or on a write. Other answers (429, 503, ...) are transient.
 */
final class Refusals {

  private Refusals() {
  }

  static Optional<String> reason(IngestOutcome.NotStored n, String database, String retentionPolicy) {
    String error = n.message().startsWith(BatchIngest.INFLUXDB_WRITE)
        ? n.message().substring(BatchIngest.INFLUXDB_WRITE.length()) : n.message();
    return Optional.ofNullable(switch (n.status()) {
      case 401 -> "credentials refused by InfluxDB (HTTP 401)";
      case 403 -> "no write permission on database " + database + " (" + error + ")";
      case 404 -> error.contains("database not found") ? "database not found: " + database
          : error.contains("retention policy") ? "retention policy not found: " + retentionPolicy : error;
      default -> null;
    });
  }
}
