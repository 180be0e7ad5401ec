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

  public static final String HEADER_CLIENT_ID = "Outflux-Client-Id";
  public static final String HEADER_SEQ = "Outflux-Seq";

  public static final String PARAM_DB = "db";
  public static final String PARAM_RP = "rp";
  public static final String PARAM_PRECISION = "precision";

  public static final String CONTENT_TYPE_LINES = "text/plain; charset=utf-8";

  private WireProtocol() {
  }
}
