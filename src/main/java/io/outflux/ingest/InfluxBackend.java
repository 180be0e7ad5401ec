package io.outflux.ingest;

import io.outflux.protocol.Credentials;
import io.vertx.core.Future;

/** The central InfluxDB, whatever its version. Implementations classify every answer; they never throw. */
public interface InfluxBackend {

  /** Tries the credentials against InfluxDB itself: there is no other user store. */
  Future<AuthResult> authenticate(Credentials credentials);

  Future<WriteResult> write(WriteRequest request);

  Future<Void> close();
}
