package io.outflux.influxd;

/** A management call to influxd failed: HTTP error, statement error, or no answer at all. */
public class InfluxdException extends RuntimeException {

  private final int status;

  public InfluxdException(String message, int status) {
    super(message);
    this.status = status;
  }

  public InfluxdException(String message, Throwable cause) {
    super(message, cause);
    this.status = -1;
  }

  /** The HTTP status, or -1 when there was no HTTP answer. */
  public int status() {
    return status;
  }
}
