package io.outflux.influxd;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How to start a private influxd. Nullable fields mean "choose for me".
 *
 * @param authEnabled   turn on [http] auth-enabled; the first admin can still be created without
 *                      credentials (InfluxDB's bootstrap rule), see {@link InfluxdProcess#bootstrapAdmin}
 * @param baseDir       directory for config, meta/, data/, wal/ and the log; null = a fresh temp dir.
 *                      A directory given here belongs to the caller and is never deleted.
 * @param influxdBinary path to influxd; null = $PATH, then /usr/bin/influxd, /usr/sbin/influxd
 * @param startTimeout  how long to wait for GET /ping to answer 204 (per attempt)
 * @param keepData      keep the temp dir after stop (to look at data or logs after a failure)
 */
public record InfluxdOptions(
    boolean authEnabled, Path baseDir, Path influxdBinary, Duration startTimeout, boolean keepData) {

  public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(30);

  public InfluxdOptions {
    Objects.requireNonNull(startTimeout, "startTimeout");
    if (startTimeout.isNegative() || startTimeout.isZero()) {
      throw new IllegalArgumentException("startTimeout must be positive: " + startTimeout);
    }
  }

  public static InfluxdOptions defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public static final class Builder {
    private boolean authEnabled;
    private Path baseDir;
    private Path influxdBinary;
    private Duration startTimeout = DEFAULT_START_TIMEOUT;
    private boolean keepData;

    private Builder() {}

    public Builder authEnabled(boolean authEnabled) {
      this.authEnabled = authEnabled;
      return this;
    }

    public Builder baseDir(Path baseDir) {
      this.baseDir = baseDir;
      return this;
    }

    public Builder influxdBinary(Path influxdBinary) {
      this.influxdBinary = influxdBinary;
      return this;
    }

    public Builder startTimeout(Duration startTimeout) {
      this.startTimeout = startTimeout;
      return this;
    }

    public Builder keepData(boolean keepData) {
      this.keepData = keepData;
      return this;
    }

    public InfluxdOptions build() {
      return new InfluxdOptions(authEnabled, baseDir, influxdBinary, startTimeout, keepData);
    }
  }
}
