package io.outflux.cli;

import io.outflux.config.Units;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;

/** Command-line durations in the config's notation ({@code 30s}, {@code 2m}, {@code 1h}). */
final class Durations implements ITypeConverter<Duration> {

  @Override
  public Duration convert(String value) {
    return Units.parseDuration(value);
  }
}
