package io.outflux.server;

import io.outflux.config.ConfigReader;
import io.outflux.protocol.TlsPolicy;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Path;
import java.util.Optional;

/**
 * TLS for the server's HTTP and WebSocket endpoints, from PEM files. With {@code clientCaFile} set,
 * every client must present a certificate signed by that CA (on top of its InfluxDB credentials).
 *
 * @param certFile PEM certificate chain of the server
 * @param keyFile PEM private key of the server (PKCS#8 or PKCS#1)
 * @param clientCaFile PEM CA certificates that client certificates must chain to; empty: none asked
 */
public record ServerTls(Path certFile, Path keyFile, Optional<Path> clientCaFile) {

  /** Reads {@code http.tls}; empty when neither certFile nor keyFile is set (plain HTTP). */
  public static Optional<ServerTls> from(ConfigReader r) {
    Optional<Path> cert = r.readableFile("certFile");
    Optional<Path> key = r.readableFile("keyFile");
    Optional<Path> clientCa = r.readableFile("clientCaFile");
    if (cert.isEmpty() && key.isEmpty()) {
      if (clientCa.isPresent()) {
        throw r.error("clientCaFile", "needs certFile and keyFile: client certificates only exist with TLS");
      }
      return Optional.empty();
    }
    if (cert.isEmpty() || key.isEmpty()) {
      throw r.error(cert.isEmpty() ? "certFile" : "keyFile", "is required when TLS is configured (set both certFile and keyFile)");
    }
    return Optional.of(new ServerTls(cert.get(), key.get(), clientCa));
  }

  /** TLS on, with {@link TlsPolicy}'s protocols and suites only. */
  public HttpServerOptions apply(HttpServerOptions options) {
    TlsPolicy.apply(options);
    options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
        .setCertPath(certFile.toString()).setKeyPath(keyFile.toString()));
    clientCaFile.ifPresent(ca -> options
        .setTrustOptions(new PemTrustOptions().addCertPath(ca.toString()))
        .setClientAuth(ClientAuth.REQUIRED));
    return options;
  }
}
