package io.outflux.protocol;

import io.vertx.core.net.TCPSSLOptions;
import java.util.List;
import java.util.Set;

/**
 * The TLS that both sides speak: TLSv1.3 and TLSv1.2 only, and TLS 1.2 only with forward secrecy
 * (ECDHE) and an AEAD cipher (AES-GCM, ChaCha20-Poly1305). That rules out RSA key exchange (no
 * forward secrecy: a key stolen later decrypts recorded traffic), CBC with SHA-1, and everything
 * older. Every TLS client outflux is meant to talk to (its own, curl, Prometheus, browsers) offers
 * these. Names are the JDK's (the TLS 1.3 suites are always ECDHE/AEAD).
 */
public final class TlsPolicy {

  public static final Set<String> PROTOCOLS = Set.of("TLSv1.3", "TLSv1.2");

  public static final List<String> CIPHER_SUITES = List.of(
      "TLS_AES_128_GCM_SHA256",
      "TLS_AES_256_GCM_SHA384",
      "TLS_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

  private TlsPolicy() {
  }

  /** Restricts server or client options (HTTP, WebSocket) to the policy. */
  public static <T extends TCPSSLOptions> T apply(T options) {
    options.setEnabledSecureTransportProtocols(PROTOCOLS);
    CIPHER_SUITES.forEach(options::addEnabledCipherSuite);
    return options;
  }
}
