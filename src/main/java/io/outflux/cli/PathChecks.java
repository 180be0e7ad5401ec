package io.outflux.cli;

import io.outflux.config.TlsFiles;
import io.outflux.metrics.Human;
import io.outflux.spool.SpoolPathChecks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * File checks of {@code outflux check}: writable locations are tried for real (a temporary file is
 * created and removed, an existing file is opened for writing), because permission bits lie for
 * root and on read-only mounts; certificates are parsed and matched to their keys.
 */
final class PathChecks {

  /** A certificate expiring sooner than this is a warning. */
  static final Duration EXPIRY_WARNING = Duration.ofDays(14);

  private PathChecks() {
  }

  /**
   * A file the process must be able to create or rewrite ({@code key} names it in the config): the
   * client's own start-up check ({@link SpoolPathChecks#writable}), so both say the same.
   */
  static void writable(CheckReport report, String key, Path file) {
    Optional<SpoolPathChecks.Problem> problem = SpoolPathChecks.writable(key, file);
    if (problem.isPresent()) {
      report.fail(key, problem.get().reason());
    } else if (Files.exists(file)) {
      report.ok(key, file + " exists and is writable");
    } else {
      report.ok(key, file + " can be created (directory " + file.toAbsolutePath().getParent() + " is writable)");
    }
  }

  /** Certificates a peer must chain to ({@code caFile}, {@code clientCaFile}). */
  static void certificates(CheckReport report, String key, Path file, Instant now) {
    try {
      List<X509Certificate> certs = TlsFiles.certificates(file);
      Optional<String> invalid = certs.stream().map(c -> TlsFiles.validity(c, file, now)).flatMap(Optional::stream)
          .findFirst();
      if (invalid.isPresent()) {
        report.fail(key, invalid.get());
      } else {
        report.ok(key, file + ": " + certs.size() + " certificate(s), valid");
      }
    } catch (TlsFiles.Problem e) {
      report.fail(key, e.getMessage());
    }
  }

  /** A certificate and its key: readable, belonging together, valid now and for a while. */
  static void pair(CheckReport report, String section, Path certFile, Path keyFile, Instant now) {
    X509Certificate leaf;
    try {
      leaf = TlsFiles.certificates(certFile).get(0);
    } catch (TlsFiles.Problem e) {
      report.fail(section + ".certFile", e.getMessage());
      return;
    }
    Optional<PrivateKey> key;
    try {
      key = TlsFiles.privateKey(keyFile);
    } catch (TlsFiles.Problem e) {
      report.fail(section + ".keyFile", e.getMessage());
      return;
    }
    if (key.isEmpty()) {
      report.warn(section + ".keyFile", keyFile + " is a key format outflux cannot check against the certificate "
          + "(convert it: openssl pkey -in KEY -out KEY.pk8)");
    } else if (!TlsFiles.matches(leaf, key.get())) {
      report.fail(section + ".keyFile", "the certificate " + certFile + " and the key " + keyFile + " do not belong "
          + "together: use the key the certificate was issued for");
      return;
    } else {
      report.ok(section + ".keyFile", keyFile + " is the key of " + certFile);
    }
    Optional<String> invalid = TlsFiles.validity(leaf, certFile, now);
    Duration left = Duration.between(now, leaf.getNotAfter().toInstant());
    if (invalid.isPresent()) {
      report.fail(section + ".certFile", invalid.get() + ": renew it");
    } else if (left.compareTo(EXPIRY_WARNING) < 0) {
      report.warn(section + ".certFile", certFile + " expires in " + Human.duration(left) + " ("
          + leaf.getNotAfter().toInstant() + "): renew it soon");
    } else {
      report.ok(section + ".certFile", certFile + " (" + leaf.getSubjectX500Principal().getName() + ") valid until "
          + leaf.getNotAfter().toInstant());
    }
  }
}
