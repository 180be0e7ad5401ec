package io.outflux.launch;

import io.outflux.client.ClientConfig;
import io.outflux.config.ConfigException;
import io.outflux.config.TlsFiles;
import io.outflux.server.ServerConfig;
import io.outflux.spool.CheckpointStore;
import io.outflux.spool.SpoolPathChecks;
import io.outflux.server.ServerTls;
import io.outflux.transport.ClientTls;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the launcher checks before Vert.x starts, so a setup mistake is one line naming the file and
 * key (exit 2) instead of a failed deployment: the config parses and validates, the TLS certificate
 * and key parse and belong together, the client's spool directory is readable, its checkpoint and
 * dead-letter locations writable ({@link SpoolPathChecks}), its checkpoint readable. Blocking file reads are
 * fine here: no event loop runs yet.
 */
final class Precheck {

  private Precheck() {
  }

  /** @return warnings (environment variables that set nothing, an expired certificate) */
  static List<String> run(Roles role, JsonObject config, Map<String, String> env) {
    List<String> warnings = new ArrayList<>(role.validate(config, env));
    Object parsed = role.parse(config, env);
    if (parsed instanceof ServerConfig server && server.front().tls().isPresent()) {
      ServerTls tls = server.front().tls().get();
      pair(server.source(), "http.tls", tls.certFile(), tls.keyFile()).ifPresent(warnings::add);
      tls.clientCaFile().ifPresent(ca -> certificates(server.source(), "http.tls.clientCaFile", ca));
    }
    if (parsed instanceof ClientConfig client) {
      for (SpoolPathChecks.Problem p : SpoolPathChecks.run(client.spool())) {
        throw new ConfigException(client.source(), p.key(), p.reason());
      }
      CheckpointStore.Inspection checkpoint = new CheckpointStore(client.spool().checkpoint()).inspect();
      if (checkpoint.best().isEmpty()) {
        throw new CheckpointStore.DamagedException(checkpoint.damageLine());
      }
      ClientTls tls = client.transport().tls();
      if (tls.certFile().isPresent()) {
        pair(client.source(), "transport.tls", tls.certFile().get(), tls.keyFile().orElseThrow()).ifPresent(warnings::add);
      }
      tls.caFile().ifPresent(ca -> certificates(client.source(), "transport.tls.caFile", ca));
    }
    return warnings;
  }

  private static Optional<String> pair(String source, String section, Path cert, Path key) {
    try {
      TlsFiles.certificates(cert);
    } catch (TlsFiles.Problem e) {
      throw new ConfigException(source, section + ".certFile", e.getMessage());
    }
    try {
      TlsFiles.privateKey(key);
      return TlsFiles.checkPair(cert, key, Instant.now()).map(w -> section + ".certFile: " + w);
    } catch (TlsFiles.Problem e) {
      throw new ConfigException(source, section + ".keyFile", e.getMessage());
    }
  }

  private static void certificates(String source, String key, Path file) {
    try {
      TlsFiles.certificates(file);
    } catch (TlsFiles.Problem e) {
      throw new ConfigException(source, key, e.getMessage());
    }
  }
}
