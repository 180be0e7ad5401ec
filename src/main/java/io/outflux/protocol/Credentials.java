package io.outflux.protocol;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * The InfluxDB credentials a client syncs with. The server has no user store of its own: it tries
 * these against its backing InfluxDB and writes with them. {@code toString} never shows a secret,
 * so a credential that ends up in a log line or exception message leaks nothing.
 */
public sealed interface Credentials permits Credentials.Basic, Credentials.Token {

  /** The value of the HTTP Authorization header that carries these credentials. */
  String authorizationHeader();

  /** Safe to log: who, never the secret. */
  String principal();

  /** SHA-256 over the secret with a salt: a cache key that cannot be turned back into the secret. */
  default String fingerprint(byte[] salt) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(salt);
      sha.update(authorizationHeader().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }

  /**
   * SHA-256 with a salt over who the credentials name (the user name; for a token, the token, whose
   * holder is all InfluxDB knows): the same for a user whatever its password, never reversible.
   */
  default String principalHash(byte[] salt) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(salt);
      sha.update((this instanceof Basic b ? "user\u0000" + b.username() : "token\u0000" + ((Token) this).token())
          .getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }

  /** The user name the password throttle counts by; null for a token (it names no user). */
  default String userName() {
    return this instanceof Basic b ? b.username() : null;
  }

  /** InfluxDB 1.x user and password, sent as HTTP Basic. */
  record Basic(String username, String password) implements Credentials {
    @Override
    public String authorizationHeader() {
      String pair = username + ":" + password;
      return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String principal() {
      return "user " + username;
    }

    @Override
    public String toString() {
      return "Basic[username=" + username + ", password=***]";
    }
  }

  /** InfluxDB 2.x/3.x API token. */
  record Token(String token) implements Credentials {
    @Override
    public String authorizationHeader() {
      return "Token " + token;
    }

    @Override
    public String principal() {
      return "token ***" + (token.length() > 12 ? token.substring(token.length() - 4) : "");
    }

    @Override
    public String toString() {
      return "Token[***]";
    }
  }

  /** Parses an Authorization header; empty when it is absent or not Basic/Token. */
  static Optional<Credentials> fromAuthorizationHeader(String header) {
    if (header == null) {
      return Optional.empty();
    }
    int space = header.indexOf(' ');
    if (space <= 0) {
      return Optional.empty();
    }
    String scheme = header.substring(0, space).toLowerCase(Locale.ROOT);
    String value = header.substring(space + 1).trim();
    if (scheme.equals("token") && !value.isEmpty()) {
      return Optional.of(new Token(value));
    }
    if (!scheme.equals("basic")) {
      return Optional.empty();
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      return Optional.empty();
    }
    return Optional.of(new Basic(decoded.substring(0, colon), decoded.substring(colon + 1)));
  }
}
