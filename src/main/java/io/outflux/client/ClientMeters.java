package io.outflux.client;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.outflux.batch.Progress;
import io.outflux.metrics.BuildInfo;
import io.outflux.metrics.Metrics;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;

/**
 * One client deployment's meters, in the process registry {@link Metrics#registry()}: every meter
 * carries the tag {@code client=<client.id>}, so several clients in one JVM (tests, a demo) are
 * counted apart while the names operators and dashboards use stay the same. The client deployment
 * binds them ({@link #of}) and hands them to its stages; a stage never reaches for a process-wide one.
 */
public final class ClientMeters {

  /** The tag that tells one client's meters from another's in the same registry. */
  public static final String CLIENT_TAG = "client";
  /**
   * One set per client id and process: a client redeployed in the same JVM continues its counters
   * (a Micrometer gauge stays bound to the first object it was registered with, so a second set
   * under the same tags would never show).
   */
  private static final Map<String, ClientMeters> BOUND = new ConcurrentHashMap<>();

  public final Counter linesRead;
  public final Counter linesSent;
  public final Counter linesDeadLettered;
  public final Counter linesAcked;
  public final Counter batchesAcked;
  /** Batches split in two after the server refused them as too large (HTTP 413). */
  public final Counter batchesSplit;
  /** Hand-overs of a batch to the transport that got no answer (tried again). */
  public final Counter handoverFailures;
  /** Appends of refused lines to the dead-letter file that failed or got no answer (tried again; the checkpoint waits). */
  public final Counter deadLetterFailures;
  /** Attempts abandoned because nothing moved on the connection for transport.stallTimeout. */
  public final Counter stalls;
  /**
   * zstd dictionaries offered again because a server said it did not hold one it had taken (restarted, its
   * cluster map evicted it): each costs an upload of the dictionary.
   */
  public final Counter dictionaryReoffers;
  public final Counter retriesUnavailable;
  public final Counter retriesAuth;
  public final Counter retriesRefused;
  /** Checkpoint writes that failed (the spool stays until one succeeds); incremented by the spool code. */
  public final Counter checkpointWriteFailures;
  /** Spool bytes provably lost before they were synced (e.g. an archive deleted by the writer); spool code. */
  public final Counter lostBytes;
  /** Lines of those, where known (an unknown count adds nothing here; the loss record says "unknown"). */
  public final Counter lostLines;
  private final AtomicLong unaccountedFiles = new AtomicLong();
  /** Epoch millis of the last acknowledgement; the client's start until the first one. */
  private final AtomicLong lastAckMillis = new AtomicLong(System.currentTimeMillis());
  private final AtomicLong deadLetterRecords = new AtomicLong();
  private final AtomicLong spoolBytes = new AtomicLong();
  private final AtomicLong spoolFreeBytes = new AtomicLong(-1);
  private final AtomicBoolean diskFull = new AtomicBoolean();
  private final AtomicBoolean checkpointFailing = new AtomicBoolean();
  /** Times the spool's file system was found full (No space left on device); spool code. */
  public final Counter diskFullEvents;
  private final AtomicReference<Progress> progress = new AtomicReference<>(Progress.NONE);
  private final AtomicReference<Link> link = new AtomicReference<>(new Link(Connection.IDLE, ""));
  private final MeterRegistry registry;
  private final String clientId;
  private final Tags tags;
  private final AtomicBoolean catchingUp = new AtomicBoolean();

  /** The link to the servers, as the transport last saw it. */
  public enum Connection {
    /** nothing sent yet */
    IDLE,
    /** the last attempt was acknowledged */
    CONNECTED,
    /** the last attempt failed; retrying (maybe on another server) */
    RETRYING,
    /** the server refused the credentials; one probe now and then */
    AUTH_REFUSED;

    /** The name in metrics and {@code outflux status}: {@code auth_refused}. */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private record Link(Connection state, String server) {
  }

  /** The meters of client {@code clientId} in the process registry, bound on first use. */
  public static ClientMeters of(String clientId) {
    return BOUND.computeIfAbsent(clientId, id -> new ClientMeters(Metrics.registry(), id));
  }

  /** The client id these meters are tagged with. */
  public String clientId() {
    return clientId;
  }

  private ClientMeters(MeterRegistry r, String clientId) {
    registry = r;
    this.clientId = clientId;
    this.tags = Tags.of(CLIENT_TAG, clientId);
    linesRead = Counter.builder("outflux_client_lines_read")
        .description("valid lines read from the spool").tags(tags).register(r);
    linesSent = Counter.builder("outflux_client_lines_sent")
        .description("lines sent to a server, every attempt counted").tags(tags).register(r);
    linesDeadLettered = Counter.builder("outflux_client_lines_dead_lettered")
        .description("lines quarantined in the dead-letter file").tags(tags).register(r);
    Gauge.builder("outflux_client_catching_up", catchingUp, b -> b.get() ? 1 : 0)
        .description("1 while a newest-first catch-up sends new lines first and the backlog behind them")
        .tags(tags).register(r);
    for (Connection c : Connection.values()) {
      Gauge.builder("outflux_client_connection", link, ref -> ref.get().state() == c ? 1 : 0).tag("state", c.label())
          .description("1 for the link's current state").tags(tags).register(r);
    }
    linesAcked = Counter.builder("outflux_client_lines_acked")
        .description("lines stored centrally").tags(tags).register(r);
    batchesAcked = Counter.builder("outflux_client_batches_acked")
        .description("batches acknowledged").tags(tags).register(r);
    batchesSplit = Counter.builder("outflux_client_batches_split")
        .description("batches split in two after the server refused them as too large (413)").tags(tags).register(r);
    handoverFailures = Counter.builder("outflux_client_handover_failures")
        .description("hand-overs of a batch to the transport that got no answer (tried again)").tags(tags).register(r);
    deadLetterFailures = Counter.builder("outflux_client_dead_letter_failures")
        .description("appends of refused lines to the dead-letter file that failed or got no answer (tried again; "
            + "the checkpoint stays before those lines)").tags(tags).register(r);
    stalls = Counter.builder("outflux_client_stalls")
        .description("attempts abandoned because nothing moved for transport.stallTimeout").tags(tags).register(r);
    dictionaryReoffers = Counter.builder("outflux_client_dictionary_reoffers")
        .description("zstd dictionaries offered again because the server no longer held them (restart, eviction)")
        .tags(tags).register(r);
    retriesUnavailable = retries(r, "unavailable");
    retriesAuth = retries(r, "auth");
    retriesRefused = retries(r, "refused");
    checkpointWriteFailures = Counter.builder("outflux_client_checkpoint_write_failures")
        .description("checkpoint writes that failed (nothing is removed from the spool until one succeeds)")
        .tags(tags).register(r);
    lostBytes = Counter.builder("outflux_client_lost_bytes")
        .description("spool bytes lost before they were synced (counted, never silent)").tags(tags).register(r);
    lostLines = Counter.builder("outflux_client_lost_lines")
        .description("lines of the lost spool bytes, where they could be counted (lost bytes still readable in a "
            + "copy outflux does not read)").tags(tags).register(r);
    Gauge.builder("outflux_client_spool_unaccounted_files", unaccountedFiles, AtomicLong::get)
        .description("files in the spool directory the client cannot account for (compressed copies, unknown "
            + "names): left alone, not synced").tags(tags).register(r);
    diskFullEvents = Counter.builder("outflux_client_spool_disk_full_events")
        .description("times the spool's file system was found full (writers get No space left on device)")
        .tags(tags).register(r);
    Gauge.builder("outflux_client_spool_disk_full", diskFull, b -> b.get() ? 1 : 0)
        .description("1 while the spool's file system is full (No space left on device)").tags(tags).register(r);
    Gauge.builder("outflux_client_spool_free_bytes", spoolFreeBytes, AtomicLong::get)
        .description("bytes free for the spool's writer on its file system (-1 until measured)").tags(tags).register(r);
    Gauge.builder("outflux_client_checkpoint_failing", checkpointFailing, b -> b.get() ? 1 : 0)
        .description("1 while checkpoint writes fail (nothing is compacted meanwhile)").tags(tags).register(r);
    Gauge.builder("outflux_client_last_ack_timestamp_seconds", lastAckMillis, t -> t.get() / 1000.0)
        .description("when the server last acknowledged a batch (unix seconds; the client's start before the first)")
        .tags(tags).register(r);
    Gauge.builder("outflux_client_dead_letter_records", deadLetterRecords, AtomicLong::get)
        .description("records in the dead-letter file on disk").tags(tags).register(r);
    Gauge.builder("outflux_client_spool_bytes", spoolBytes, AtomicLong::get)
        .description("size of the spool files (active file and rotated archives)").tags(tags).register(r);
    BuildInfo.register(r, "client");
    gauge(r, "outflux_client_backlog_bytes", "spool bytes not yet acknowledged", p -> p.backlogBytes());
    gauge(r, "outflux_client_backlog_lines", "lines read and not yet acknowledged", p -> p.backlogLines());
    gauge(r, "outflux_client_lag_seconds", "age of the oldest line not yet acknowledged", Progress::lagSeconds);
  }

  /**
   * The transport's view of the link. The server label's values are the configured server URLs, so
   * the label set stays bounded.
   */
  public void connection(Connection state, String server) {
    Link previous = link.getAndSet(new Link(state, server));
    if (!previous.server().equals(server)) {
      Gauge.builder("outflux_client_server", link, ref -> ref.get().server().equals(server) ? 1 : 0)
          .tag("url", server)
          .description("1 for the server the client currently sends to").tags(tags).register(registry);
    }
  }

  /** The server acknowledged a batch at {@code at}. */
  public void acked(java.time.Instant at) {
    lastAckMillis.set(at.toEpochMilli());
  }

  /** The dead-letter file holds {@code records} records (counted at start). */
  public void deadLetterRecords(long records) {
    deadLetterRecords.set(Math.max(0, records));
  }

  /** {@code records} more records were appended to the dead-letter file. */
  public void deadLettered(long records) {
    deadLetterRecords.addAndGet(records);
  }

  /** The spool files (active and archives) measure {@code bytes} now. */
  public void spoolBytes(long bytes) {
    spoolBytes.set(bytes);
  }

  /** The spool's file system has {@code bytes} free; {@code full}: below what a writer needs. */
  public void spoolFree(long bytes, boolean full) {
    spoolFreeBytes.set(bytes);
    if (full && !diskFull.getAndSet(true)) {
      diskFullEvents.increment();
    } else if (!full) {
      diskFull.set(false);
    }
  }

  /** The spool directory holds {@code files} files the client cannot account for. */
  public void unaccountedFiles(long files) {
    unaccountedFiles.set(files);
  }

  /** Checkpoint writes fail now (true) or work again (false). */
  public void checkpointFailing(boolean failing) {
    checkpointFailing.set(failing);
  }

  /** A newest-first catch-up began (true) or its backlog is all acknowledged (false). */
  public void catchingUp(boolean running) {
    catchingUp.set(running);
  }

  /** The batcher's latest figures, as last published. */
  public Progress latestProgress() {
    return progress.get();
  }

  /** The batcher's latest figures (updated about once a second). */
  public void progress(Progress latest) {
    progress.set(latest);
  }

  private Counter retries(MeterRegistry r, String cause) {
    return Counter.builder("outflux_client_retries").tag("cause", cause)
        .description("failed send attempts that will be retried").tags(tags).register(r);
  }

  private void gauge(MeterRegistry r, String name, String description, ToDoubleFunction<Progress> value) {
    Gauge.builder(name, progress, ref -> value.applyAsDouble(ref.get()))
        .description(description).tags(tags).register(r);
  }
}
