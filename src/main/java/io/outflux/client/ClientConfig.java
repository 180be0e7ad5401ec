package io.outflux.client;

import io.outflux.admin.AdminConfig;
import io.outflux.protocol.ClientId;
import io.outflux.backfill.InfluxSource;
import io.outflux.batch.SyncConfig;
import io.outflux.config.ConfigReader;
import io.outflux.config.ConfigSource;
import io.outflux.spool.SpoolConfig;
import io.outflux.transport.InfluxTarget;
import io.outflux.transport.TransportConfig;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Optional;

/**
 * The whole client configuration (conf/client.json; every key is described in docs/configuration.md).
 *
 * @param source where it was read from, for messages that ask the user to fix something
 * @param edge the site's own InfluxDB, read by {@code outflux backfill} (optional)
 * @param central a read-only view of the central InfluxDB for {@code backfill --verify} (optional;
 *     its database defaults to {@code influx.database})
 * @param audit the continuous audit against the centre ({@code audit.*}, docs/audit.md)
 */
public record ClientConfig(String source, String clientId, InfluxTarget influx, SpoolConfig spool, SyncConfig sync,
                           TransportConfig transport, AdminConfig admin, Optional<InfluxSource> edge,
                           Optional<InfluxSource> central, io.outflux.audit.AuditConfig audit) {

  public static ClientConfig parse(JsonObject json, Map<String, String> env) {
    ConfigReader r = ConfigReader.root(json, ConfigSource.nameOf(json), "client", env);
    String clientId = r.requiredString("clientId");
    if (!ClientId.isValid(clientId)) {
      throw r.error("clientId", "\"" + clientId + "\" must be " + ClientId.rule());
    }
    InfluxTarget influx = InfluxTarget.from(r.section("influx"));
    ClientConfig config = new ClientConfig(r.source(), clientId,
        influx,
        SpoolConfig.from(r.section("spool")),
        SyncConfig.from(r.section("sync")),
        TransportConfig.from(r, r.section("transport")),
        AdminConfig.from(r.section("admin")),
        InfluxSource.from(r, "edge", null),
        InfluxSource.from(r, "central", influx.database()),
        io.outflux.audit.AuditConfig.from(r.section("audit")));
    if (config.audit().enabled() && config.edge().isEmpty()) {
      throw r.error("audit.enabled", "needs the edge section (url, database of the site's InfluxDB): the audit counts there");
    }
    r.rejectUnknownKeys();
    return config;
  }
}
