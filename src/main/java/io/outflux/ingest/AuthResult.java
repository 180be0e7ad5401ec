package io.outflux.ingest;

/** Whether the backing InfluxDB takes a client's credentials. */
public sealed interface AuthResult {

  record Accepted() implements AuthResult {
  }

  record Rejected(int status, String message) implements AuthResult {
  }

  /** InfluxDB could not be asked (down, timeout): neither accept nor reject. */
  record Unavailable(String message) implements AuthResult {
  }
}
