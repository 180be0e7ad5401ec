package io.outflux.config;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads PEM certificates and private keys the way an operator needs them checked before a start:
 * the file parses, the certificate and the key belong together (a test signature made with the key
 * verifies with the certificate), and the certificate's validity. Blocking file I/O: call it before
 * Vert.x starts ({@code outflux check}, the launcher's pre-check), never on an event loop.
 */
public final class TlsFiles {

  private static final Pattern PEM = Pattern.compile(
      "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)-----END \\1-----");
  /** DER of AlgorithmIdentifier rsaEncryption (1.2.840.113549.1.1.1) with NULL parameters. */
  private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86,
      (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};

  private TlsFiles() {
  }

  /** A problem with one file, worded for the person who has to fix it. */
  public static final class Problem extends Exception {
    public Problem(String message) {
      super(message);
    }
  }

  /** The certificates of a PEM file (a chain: the first is the leaf). */
  public static List<X509Certificate> certificates(Path file) throws Problem {
    byte[] bytes = read(file);
    try (InputStream in = new ByteArrayInputStream(bytes)) {
      List<X509Certificate> out = new ArrayList<>();
      CertificateFactory.getInstance("X.509").generateCertificates(in).forEach(c -> out.add((X509Certificate) c));
      if (out.isEmpty()) {
        throw new Problem(file + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
      }
      return out;
    } catch (GeneralSecurityException | IOException e) {
      throw new Problem(file + " is not a PEM certificate: " + e.getMessage());
    }
  }

  /**
   * The private key of a PEM file: PKCS#8 ({@code BEGIN PRIVATE KEY}, RSA, EC, Ed25519) or PKCS#1
   * ({@code BEGIN RSA PRIVATE KEY}). Empty for other valid-looking forms ({@code BEGIN EC PRIVATE KEY}):
   * the server can load those, outflux cannot check them.
   */
  public static Optional<PrivateKey> privateKey(Path file) throws Problem {
    String text = new String(read(file), StandardCharsets.US_ASCII);
    Matcher m = PEM.matcher(text);
    while (m.find()) {
      String type = m.group(1);
      if (!type.endsWith("PRIVATE KEY")) {
        continue;
      }
      byte[] der;
      try {
        der = Base64.getMimeDecoder().decode(m.group(2));
      } catch (IllegalArgumentException e) {
        throw new Problem(file + ": the " + type + " block is not valid base64");
      }
      return switch (type) {
        case "PRIVATE KEY" -> Optional.of(pkcs8(file, der));
        case "RSA PRIVATE KEY" -> Optional.of(pkcs8(file, wrapRsa(der)));
        case "ENCRYPTED PRIVATE KEY" -> throw new Problem(file + " is an encrypted key; outflux needs it unencrypted "
            + "(openssl pkey -in KEY -out KEY.plain), readable only by the service user");
        default -> Optional.empty();
      };
    }
    throw new Problem(file + " holds no PEM private key (-----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----)");
  }

  /** Whether the key signs what the certificate's public key verifies. */
  public static boolean matches(X509Certificate certificate, PrivateKey key) {
    PublicKey pub = certificate.getPublicKey();
    if (!pub.getAlgorithm().equals(key.getAlgorithm())) {
      return false;
    }
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      default -> key.getAlgorithm(); // Ed25519, Ed448
    };
    try {
      byte[] probe = "outflux key check".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(pub);
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /**
   * The start-up check of a certificate and key pair: both parse and belong together.
   *
   * @return a warning (the certificate expired or is not valid yet), empty when all is well
   */
  public static Optional<String> checkPair(Path certFile, Path keyFile, Instant now) throws Problem {
    X509Certificate leaf = certificates(certFile).get(0);
    Optional<PrivateKey> key = privateKey(keyFile);
    if (key.isPresent() && !matches(leaf, key.get())) {
      throw new Problem("the certificate " + certFile + " and the key " + keyFile + " do not belong together (the "
          + "certificate was made for another key): use the key the certificate was issued for");
    }
    return validity(leaf, certFile, now);
  }

  /** Why the certificate is not valid at {@code now}, if it is not. */
  public static Optional<String> validity(X509Certificate cert, Path file, Instant now) {
    if (now.isAfter(cert.getNotAfter().toInstant())) {
      return Optional.of("the certificate " + file + " expired on " + cert.getNotAfter().toInstant());
    }
    if (now.isBefore(cert.getNotBefore().toInstant())) {
      return Optional.of("the certificate " + file + " is valid only from " + cert.getNotBefore().toInstant());
    }
    return Optional.empty();
  }

  private static PrivateKey pkcs8(Path file, byte[] der) throws Problem {
    for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    throw new Problem(file + ": the private key does not parse (damaged, or not RSA, EC or Ed25519)");
  }

  /** PKCS#1 RSAPrivateKey into PKCS#8 PrivateKeyInfo: SEQUENCE { 0, rsaEncryption, OCTET STRING { der } }. */
  private static byte[] wrapRsa(byte[] pkcs1) {
    byte[] version = {0x02, 0x01, 0x00};
    byte[] octets = tlv(0x04, pkcs1);
    byte[] body = new byte[version.length + RSA_ALGORITHM.length + octets.length];
    System.arraycopy(version, 0, body, 0, version.length);
    System.arraycopy(RSA_ALGORITHM, 0, body, version.length, RSA_ALGORITHM.length);
    System.arraycopy(octets, 0, body, version.length + RSA_ALGORITHM.length, octets.length);
    return tlv(0x30, body);
  }

  private static byte[] tlv(int tag, byte[] value) {
    int n = value.length;
    byte[] length = n < 0x80 ? new byte[] {(byte) n}
        : n < 0x100 ? new byte[] {(byte) 0x81, (byte) n}
        : n < 0x10000 ? new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n}
        : new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
    byte[] out = new byte[1 + length.length + n];
    out[0] = (byte) tag;
    System.arraycopy(length, 0, out, 1, length.length);
    System.arraycopy(value, 0, out, 1 + length.length, n);
    return out;
  }

  private static byte[] read(Path file) throws Problem {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new Problem("cannot read " + file + ": " + e.getMessage());
    }
  }
}
