package io.outflux.server;

import io.vertx.core.http.HttpServerRequest;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The name the server binds to a client that presented a certificate (TLS with
 * {@code http.tls.clientCaFile}, so the certificate chains to a CA the operator trusts): the
 * common name (CN) of its subject, e.g. {@code plant-7} for {@code CN=plant-7,O=Example}; a subject
 * without a CN maps to the whole subject in RFC 2253 form. This name is the site tag's value and
 * what {@code sites.routes[].certificate} patterns match, whatever client id the client claims.
 */
final class CertificateName {

  private CertificateName() {
  }

  static Optional<String> of(HttpServerRequest req) {
    if (!req.isSSL()) {
      return Optional.empty();
    }
    try {
      List<Certificate> chain = req.connection().peerCertificates();
      if (chain == null || chain.isEmpty() || !(chain.get(0) instanceof X509Certificate x509)) {
        return Optional.empty();
      }
      return Optional.of(of(x509.getSubjectX500Principal().getName()));
    } catch (SSLPeerUnverifiedException e) {
      return Optional.empty(); // no certificate asked for (no clientCaFile) or none given
    }
  }

  /** The CN of an RFC 2253 subject, or the subject itself when it has none. */
  static String of(String rfc2253) {
    try {
      List<Rdn> rdns = new LdapName(rfc2253).getRdns();
      // LdapName lists the most significant first from the end: the CN usually is the last entry
      for (int i = rdns.size() - 1; i >= 0; i--) {
        if (rdns.get(i).getType().equalsIgnoreCase("CN")) {
          return String.valueOf(rdns.get(i).getValue());
        }
      }
    } catch (InvalidNameException e) {
      // fall through: the whole subject
    }
    return rfc2253;
  }
}
