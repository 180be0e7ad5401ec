package io.outflux.influxd;

/** One failed launch attempt; {@code retryable} = the process died (e.g. port taken), not a hang. */
final class StartFailure extends Exception {

  private final boolean retryable;

  StartFailure(String message, boolean retryable) {
    super(message, null, false, false);
    this.retryable = retryable;
  }

  boolean retryable() {
    return retryable;
  }
}
