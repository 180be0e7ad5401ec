package io.outflux.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The version this jar was built as (from {@code outflux-build.properties}, filled in by Maven),
 * for {@code outflux --version}, the {@code outflux_build_info} meter on both sides and the version
 * a client reports to the server's fleet view.
 */
public final class BuildInfo {

  public static final String UNKNOWN = "unknown";
  private static final String VERSION = load();

  private BuildInfo() {
  }

  public static String version() {
    return VERSION;
  }

  /** {@code outflux_build_info{version="0.1.0",role="client"} 1}; registering twice is harmless. */
  public static void register(MeterRegistry registry, String role) {
    Gauge.builder("outflux_build_info", () -> 1).tag("version", VERSION).tag("role", role)
        .description("1, labelled with the outflux version and the role of this process").register(registry);
  }

  private static String load() {
    try (InputStream in = BuildInfo.class.getResourceAsStream("/outflux-build.properties")) {
      if (in == null) {
        return UNKNOWN;
      }
      Properties p = new Properties();
      p.load(in);
      String v = p.getProperty("version", UNKNOWN);
      return v.isBlank() || v.startsWith("${") ? UNKNOWN : v;
    } catch (IOException e) {
      return UNKNOWN;
    }
  }
}
