package io.outflux.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The secret that state-changing calls to the client's admin endpoint must carry (header
 * {@value #HEADER}), so that a web page the edge user opens cannot drive it: a page can make the
 * browser send a request to 127.0.0.1, but it cannot read a file. The client writes a fresh token
 * at every start into a file beside its checkpoint ({@code <checkpoint>.admin-token}, mode 0600:
 * only the user that runs the client, and root, can read it); {@code outflux flush} and
 * {@code outflux status} read it from there.
 */
public final class AdminToken {

  public static final String HEADER = "Outflux-Admin-Token";
  private static final String SUFFIX = ".admin-token";

  private AdminToken() {
  }

  /** Where the client with this checkpoint keeps its token. */
  public static Path pathFor(Path checkpoint) {
    return Path.of(checkpoint + SUFFIX);
  }

  /** Writes a new random token (blocking: call from a worker); replaces the file atomically. */
  public static String create(Path file) throws IOException {
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    String token = HexFormat.of().formatHex(random);
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      Files.writeString(tmp, token + "\n", StandardCharsets.US_ASCII);
      try {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
    return token;
  }

  /** The token of a running client, for the CLI. */
  public static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.US_ASCII).trim();
  }

  /** Compares in constant time. */
  static boolean matches(String expected, String presented) {
    return presented != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
        presented.trim().getBytes(StandardCharsets.US_ASCII));
  }
}
