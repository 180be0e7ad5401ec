package io.outflux.protocol;

import io.vertx.core.json.JsonObject;

/**
 * The control channel (docs/wire-protocol.md, "Control channel"): a light WebSocket every client
 * keeps open to a server, whatever its sync rule, so that the server can ask it to flush. {@code
 * GET /api/v1/control?v=1&db=..[&rp=..]} with the same {@code Authorization} and {@code
 * Outflux-Client-Id} as a batch. Text messages only, JSON; a side ignores message types it does
 * not know (room for later versions), and a server without the channel answers the upgrade 404
 * (the client then tries again rarely and is reached through its stream, if it streams).
 *
 * <pre>
 * hello   (server to client, first):  {"type":"hello","version":1,"node":"..."}
 * flush   (server to client):         {"type":"flush","id":"f-1"}
 * flushed (client to server):         {"type":"flushed","id":"f-1","lines":1200}
 *                                     {"type":"flushed","id":"f-1","error":"timed out after 30 s"}
 * </pre>
 * The client answers a flush once the server acknowledged every line it had at the time (the
 * {@code lines} it sent), or with the reason it could not.
 */
public final class ControlProtocol {

  public static final String CONTROL_PATH = "/api/v1/control";
  /** Query parameter naming the protocol version the client speaks. */
  public static final String PARAM_VERSION = "v";
  public static final int VERSION = 1;

  public static final String TYPE = "type";
  public static final String TYPE_HELLO = "hello";
  public static final String TYPE_FLUSH = "flush";
  public static final String TYPE_FLUSHED = "flushed";
  public static final String ID = "id";
  public static final String LINES = "lines";
  public static final String ERROR = "error";

  private ControlProtocol() {
  }

  public static JsonObject hello(int version, String node) {
    return new JsonObject().put(TYPE, TYPE_HELLO).put("version", version).put("node", node);
  }

  public static JsonObject flush(String id) {
    return new JsonObject().put(TYPE, TYPE_FLUSH).put(ID, id);
  }

  public static JsonObject flushed(String id, long lines) {
    return new JsonObject().put(TYPE, TYPE_FLUSHED).put(ID, id).put(LINES, lines);
  }

  public static JsonObject flushFailed(String id, String error) {
    return new JsonObject().put(TYPE, TYPE_FLUSHED).put(ID, id).put(ERROR, error);
  }

  /** The version both sides speak: the lower of the client's (1 when it names none) and ours. */
  public static int agree(String clientVersion) {
    try {
      return Math.max(1, Math.min(VERSION, Integer.parseInt(clientVersion == null ? "1" : clientVersion.trim())));
    } catch (NumberFormatException e) {
      return 1;
    }
  }
}
