package io.outflux.transport;

import io.outflux.config.ConfigReader;
import io.outflux.protocol.TlsPolicy;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.net.ClientOptionsBase;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How the client checks the server and proves itself over TLS ({@code https://} server addresses).
 * Without a CA file the JVM's trust store is used; host names are verified unless turned off.
 *
 * @param caFile PEM CA certificates the server's certificate must chain to
 * @param certFile PEM client certificate, for servers that require one
 * @param keyFile PEM private key of the client certificate
 * @param verifyHost check that the server certificate names the host the client connects to
 */
public record ClientTls(Optional<Path> caFile, Optional<Path> certFile, Optional<Path> keyFile, boolean verifyHost) {

  public static final ClientTls DEFAULT = new ClientTls(Optional.empty(), Optional.empty(), Optional.empty(), true);

  public static ClientTls from(ConfigReader r) {
    Optional<Path> cert = r.readableFile("certFile");
    Optional<Path> key = r.readableFile("keyFile");
    if (cert.isPresent() != key.isPresent()) {
      throw r.error(cert.isEmpty() ? "certFile" : "keyFile", "is required with the other: a client certificate needs both certFile and keyFile");
    }
    return new ClientTls(r.readableFile("caFile"), cert, key, r.bool("verifyHost", true));
  }

  /** Applies to HTTP and WebSocket client options alike; TLS itself is switched on per https/wss address. */
  public <T extends ClientOptionsBase> T apply(T options) {
    TlsPolicy.apply(options);
    caFile.ifPresent(ca -> options.setTrustOptions(new PemTrustOptions().addCertPath(ca.toString())));
    if (certFile.isPresent()) {
      options.setKeyCertOptions(new PemKeyCertOptions()
          .setCertPath(certFile.get().toString()).setKeyPath(keyFile.orElseThrow().toString()));
    }
    if (options instanceof HttpClientOptions http) {
      http.setVerifyHost(verifyHost);
    } else if (options instanceof WebSocketClientOptions ws) {
      ws.setVerifyHost(verifyHost);
    }
    return options;
  }
}
