package io.outflux.protocol;

/**
 * The client/server wire protocol in one place; docs/wire-protocol.md is its prose twin.
 *
 * <p>{@code POST /api/v1/batches?db=..&rp=..&precision=..} with a line-protocol body, HTTP
 * Authorization carrying the client's InfluxDB credentials, and the client id and batch sequence in
 * headers. The server answers 200 with a {@link BatchReply} once InfluxDB has durably taken the lines.
 */
public final class WireProtocol {

  public static final String BATCHES_PATH = "/api/v1/batches";
  public static final String HEALTH_PATH = "/health";
  public static final String READY_PATH = "/ready";
  public static final String METRICS_PATH = "/metrics";

  public static final String HEADER_CLIENT_ID = "Outflux-Client-Id";
  public static final String HEADER_SEQ = "Outflux-Seq";
  /**
   * Wire version 2, client to server: the batch's identity by spool position ({@link BatchSpan}). A
   * server that knows it skips what it stored of that range already; without it (a version 1 client)
   * batches are identified by {@link #HEADER_SEQ} and their content. Servers before version 2 ignore it.
   */
  public static final String HEADER_SPAN = "Outflux-Span";
  /**
   * The most batches a client keeps between its oldest unacknowledged one and its newest
   * ({@code sync.maxInFlight} is validated against it); the server's dedupe window is sized on it.
   */
  public static final int MAX_IN_FLIGHT = 64;
  /** Optional, client to server: bytes in the spool not yet acknowledged (for the fleet view). */
  public static final String HEADER_BACKLOG_BYTES = "Outflux-Backlog-Bytes";
  /** Optional, client to server: lines read but not yet acknowledged. */
  public static final String HEADER_BACKLOG_LINES = "Outflux-Backlog-Lines";
  /** Optional, client to server: age in seconds (decimal) of the oldest unacknowledged line. */
  public static final String HEADER_LAG_SECONDS = "Outflux-Lag-Seconds";

  /** Operator: every client seen by any node of the cluster. */
  public static final String CLIENTS_PATH = "/api/v1/clients";
  /** Operator: ask every streaming client connected to any node to flush. */
  public static final String FLUSH_PATH = "/api/v1/flush";

  /**
   * {@code outflux check}: {@code POST /api/v1/check?db=..&rp=..} with the client's Authorization, no
   * body. The server tries the credentials on InfluxDB and an empty write to the target (which
   * InfluxDB 1.x answers like a real one: 204, 401, 403, 404 database or retention policy not
   * found), and answers 200 {@code {"credentials":"accepted","write":"allowed"}} or the status and
   * error the write would get. Nothing is written.
   */
  public static final String CHECK_PATH = "/api/v1/check";
  /** The server's {@code /health} names itself so that a check can tell outflux from another service. */
  public static final String SERVICE_NAME = "outflux-server";
  /** Optional, client to server: the client's outflux version (for the fleet view). */
  public static final String HEADER_CLIENT_VERSION = "Outflux-Client-Version";

  /** Optional, client to server: {@value #STATE_STOPPED} on the goodbye a stopping client sends (empty body). */
  public static final String HEADER_CLIENT_STATE = "Outflux-Client-State";
  public static final String STATE_STOPPED = "stopped";

  public static final String PARAM_DB = "db";
  public static final String PARAM_RP = "rp";
  /** InfluxDB 2.x/3.x: the bucket, instead of {@code db} (the organisation is the server's influx.org). */
  public static final String PARAM_BUCKET = "bucket";
  public static final String PARAM_PRECISION = "precision";

  public static final String CONTENT_TYPE_LINES = "text/plain; charset=utf-8";

  private WireProtocol() {
  }
}
