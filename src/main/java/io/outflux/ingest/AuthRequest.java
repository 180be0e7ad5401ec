package io.outflux.ingest;

import io.outflux.protocol.Credentials;

/**
 * A credential check to make against the backing InfluxDB: may these credentials write to this
 * database and retention policy ({@link Role#WRITER}), or are they an InfluxDB admin's
 * ({@link Role#OPERATOR}, for the server's operator endpoints)? There is no other user store.
 */
public record AuthRequest(Credentials credentials, Role role, String database, String retentionPolicy) {

  public enum Role { WRITER, OPERATOR }

  public static AuthRequest writer(Credentials credentials, String database, String retentionPolicy) {
    return new AuthRequest(credentials, Role.WRITER, database, retentionPolicy);
  }

  public static AuthRequest operator(Credentials credentials) {
    return new AuthRequest(credentials, Role.OPERATOR, "", "");
  }

  /** What the check was about, as a cache key part (never shown). */
  public String target() {
    return role == Role.OPERATOR ? "\u0000operator" : database + "\u0000" + retentionPolicy;
  }
}
