package io.outflux.demo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Throwaway certificates made with the openssl command, for the TLS demo and the TLS tests: a CA, a
 * server certificate for 127.0.0.1/localhost signed by it, a client certificate signed by it, and
 * an unrelated CA. Valid for two days; never for production.
 */
public record TestCerts(Path caCert, Path serverCert, Path serverKey, Path clientCert, Path clientKey, Path otherCaCert) {

  public static TestCerts create(Path dir) throws IOException, InterruptedException {
    Path ca = dir.resolve("ca.pem");
    Path caKey = dir.resolve("ca.key");
    Path other = dir.resolve("other-ca.pem");
    openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=outflux test CA",
        "-keyout", caKey.toString(), "-out", ca.toString());
    openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=someone else",
        "-keyout", dir.resolve("other-ca.key").toString(), "-out", other.toString());
    Path serverCert = sign(dir, "server", "/CN=localhost", ca, caKey, "subjectAltName=IP:127.0.0.1,DNS:localhost");
    Path clientCert = sign(dir, "client", "/CN=edge-01", ca, caKey, "extendedKeyUsage=clientAuth");
    return new TestCerts(ca, serverCert, dir.resolve("server.key"), clientCert, dir.resolve("client.key"), other);
  }

  private static Path sign(Path dir, String name, String subject, Path ca, Path caKey, String extension)
      throws IOException, InterruptedException {
    Path key = dir.resolve(name + ".key");
    Path csr = dir.resolve(name + ".csr");
    Path cert = dir.resolve(name + ".pem");
    Path ext = dir.resolve(name + ".ext");
    java.nio.file.Files.writeString(ext, extension + "\n");
    openssl(dir, "req", "-newkey", "rsa:2048", "-nodes", "-subj", subject, "-keyout", key.toString(), "-out", csr.toString());
    openssl(dir, "x509", "-req", "-in", csr.toString(), "-CA", ca.toString(), "-CAkey", caKey.toString(),
        "-CAcreateserial", "-days", "2", "-extfile", ext.toString(), "-out", cert.toString());
    return cert;
  }

  private static void openssl(Path dir, String... args) throws IOException, InterruptedException {
    List<String> cmd = new java.util.ArrayList<>();
    cmd.add("openssl");
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("openssl " + String.join(" ", args) + " failed: " + out
          + " (install it with: sudo apt-get install -y openssl)");
    }
  }
}
