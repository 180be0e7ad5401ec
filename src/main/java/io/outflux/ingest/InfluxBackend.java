package io.outflux.ingest;

import io.vertx.core.Future;

/** The central InfluxDB, whatever its version. Implementations classify every answer; they never throw. */
public interface InfluxBackend {

  /**
   * Tries the credentials against InfluxDB itself: there is no other user store. Rejected with 401
   * for credentials InfluxDB does not know, 403 for a user that may not do what was asked, 404 for a
   * database or retention policy that does not exist.
   */
  Future<AuthResult> authenticate(AuthRequest request);

  Future<WriteResult> write(WriteRequest request);

  Future<Void> close();
}
