package io.outflux.admin;

import io.outflux.config.ConfigReader;

/**
 * The client's local admin HTTP endpoint ({@code POST /flush}, {@code GET /health}). It has no
 * authentication of its own, so it listens on loopback unless told otherwise.
 *
 * @param enabled whether to start it
 * @param host address to listen on
 * @param port port to listen on (0: any free port)
 */
public record AdminConfig(boolean enabled, String host, int port) {

  public static final boolean DEFAULT_ENABLED = true;
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8071;

  public static AdminConfig from(ConfigReader r) {
    return new AdminConfig(r.bool("enabled", DEFAULT_ENABLED), r.string("host", DEFAULT_HOST),
        r.integer("port", DEFAULT_PORT, 0, 65535));
  }
}
