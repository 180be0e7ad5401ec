package io.outflux.server;

import io.outflux.cluster.ClusterConfig;
import io.outflux.config.ConfigReader;
import io.outflux.config.ConfigSource;
import io.outflux.ingest.InfluxBackendConfig;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/** The whole server configuration (conf/server.json; every key is described in docs/configuration.md). */
public record ServerConfig(String source, FrontConfig front, InfluxBackendConfig influx,
                           ClusterConfig cluster) {

  public static ServerConfig parse(JsonObject json, Map<String, String> env) {
    ConfigReader r = ConfigReader.root(json, ConfigSource.nameOf(json), "server", env);
    ServerConfig config = new ServerConfig(r.source(),
        FrontConfig.from(r.section("http"), r.section("auth"), SiteConfig.from(r.section("sites"))),
        InfluxBackendConfig.from(r.section("influx")),
        ClusterConfig.from(r.section("cluster")));
    r.rejectUnknownKeys();
    return config;
  }
}
