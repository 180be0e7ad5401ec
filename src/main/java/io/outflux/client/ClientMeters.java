package io.outflux.client;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.outflux.batch.Progress;
import io.outflux.metrics.Metrics;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;

/**
 * The client's own meters, in {@link Metrics#registry()}. One client per process is the deployment
 * model; in a test JVM with several clients the counters add up and the gauges show the first one.
 */
public final class ClientMeters {

  public static final ClientMeters INSTANCE = new ClientMeters(Metrics.registry());

  public final Counter linesAcked;
  public final Counter batchesAcked;
  public final Counter retriesUnavailable;
  public final Counter retriesAuth;
  public final Counter retriesRefused;
  private final AtomicReference<Progress> progress = new AtomicReference<>(Progress.NONE);

  private ClientMeters(MeterRegistry r) {
    linesAcked = Counter.builder("outflux_client_lines_acked").description("lines stored centrally").register(r);
    batchesAcked = Counter.builder("outflux_client_batches_acked").description("batches acknowledged").register(r);
    retriesUnavailable = retries(r, "unavailable");
    retriesAuth = retries(r, "auth");
    retriesRefused = retries(r, "refused");
    gauge(r, "outflux_client_backlog_bytes", "spool bytes not yet acknowledged", p -> p.backlogBytes());
    gauge(r, "outflux_client_backlog_lines", "lines read and not yet acknowledged", p -> p.backlogLines());
    gauge(r, "outflux_client_lag_seconds", "age of the oldest line not yet acknowledged", Progress::lagSeconds);
  }

  /** The batcher's latest figures (updated about once a second). */
  public void progress(Progress latest) {
    progress.set(latest);
  }

  private static Counter retries(MeterRegistry r, String cause) {
    return Counter.builder("outflux_client_retries").tag("cause", cause)
        .description("failed send attempts that will be retried").register(r);
  }

  private void gauge(MeterRegistry r, String name, String description, ToDoubleFunction<Progress> value) {
    Gauge.builder(name, progress, ref -> value.applyAsDouble(ref.get())).description(description).register(r);
  }
}
