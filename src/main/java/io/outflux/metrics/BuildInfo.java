package io.outflux.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.core.metrics.Info;
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

  private static Info info;

  /**
   * {@code outflux_build_info{version="0.1.0"} 1} on both sides: a Prometheus info metric, registered
   * on the Prometheus registry itself (Micrometer would strip the {@code _info} suffix). Registering
   * again (client and server in one JVM) is harmless; a registry that is not Prometheus' gets nothing.
   *
   * @param role who registers (for the caller's reading; the version is the process's)
   */
  public static synchronized void register(MeterRegistry registry, String role) {
    if (!(registry instanceof PrometheusMeterRegistry prometheus)) {
      return;
    }
    if (info == null) {
      info = Info.builder().name("outflux_build_info").help("the outflux version of this process")
          .labelNames("version").register(prometheus.getPrometheusRegistry());
      info.setLabelValues(VERSION);
    }
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
