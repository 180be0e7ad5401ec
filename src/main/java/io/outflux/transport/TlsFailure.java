package io.outflux.transport;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;

/**
 * Says why a TLS connection to a server failed, in terms of what to change, instead of Netty's
 * "Failed to create SSL connection": an untrusted certificate, a certificate for another host name,
 * a server that does not speak TLS, no protocol or suite in common, a missing client certificate.
 */
final class TlsFailure {

  private TlsFailure() {
  }

  /** Empty when the failure is not about TLS. */
  static Optional<String> explain(URI server, Throwable err) {
    StringBuilder all = new StringBuilder();
    boolean tls = false;
    for (Throwable t = err; t != null && all.length() < 4096; t = t.getCause() == t ? null : t.getCause()) {
      String name = t.getClass().getName();
      tls |= name.startsWith("javax.net.ssl.") || name.contains("ssl") || name.contains("Ssl")
          || name.startsWith("java.security.cert.") || name.startsWith("sun.security.");
      all.append(name).append(": ").append(t.getMessage()).append('\n');
    }
    String text = all.toString();
    String lower = text.toLowerCase(Locale.ROOT);
    String host = server.getHost();
    if (lower.contains("notsslrecordexception") || lower.contains("not an ssl/tls record")) {
      return Optional.of("the server at " + server + " does not speak TLS (a plain HTTP server?): use http:// in"
          + " servers, or set http.tls on the server");
    }
    if (lower.contains("no subject alternative") || lower.contains("no name matching")) {
      return Optional.of("the server's certificate does not name " + host + " (host name mismatch): put a name"
          + " the certificate holds in servers, or issue a certificate for " + host);
    }
    if (lower.contains("pkix path") || lower.contains("unable to find valid certification path")
        || lower.contains("certpathvalidator") || lower.contains("validatorexception")) {
      return Optional.of("the server's certificate is not trusted: set transport.tls.caFile to the PEM"
          + " certificate of the CA that signed it");
    }
    if (lower.contains("certificate_required") || lower.contains("bad_certificate")
        || lower.contains("certificate_unknown") && lower.contains("alert")) {
      return Optional.of("the server refused the TLS handshake because of the client certificate: set (or fix)"
          + " transport.tls.certFile and keyFile to a certificate the server's http.tls.clientCaFile trusts");
    }
    if (lower.contains("handshake_failure") || lower.contains("protocol_version")
        || lower.contains("no appropriate protocol") || lower.contains("insufficient_security")) {
      return Optional.of("no TLS protocol or cipher suite in common with " + server + " (outflux speaks TLSv1.3"
          + " and TLSv1.2 with ECDHE and AES-GCM or ChaCha20-Poly1305 only)");
    }
    if (tls) {
      return Optional.of("the TLS handshake with " + server + " failed: " + firstLine(text));
    }
    return Optional.empty();
  }

  private static String firstLine(String text) {
    int nl = text.indexOf('\n');
    return nl < 0 ? text : text.substring(0, nl);
  }
}
