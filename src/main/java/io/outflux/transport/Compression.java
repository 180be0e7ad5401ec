package io.outflux.transport;

/**
 * How the client encodes batch bodies on the wire ({@code transport.compression}). zstd (level 1)
 * sends the fewest bytes at the least client CPU (docs/metered-links.md); a server that does not
 * know it answers 415 and the client falls back to gzip for that server. Streams (WebSocket) use
 * gzip for both gzip and zstd: the stream frame has a gzip flag only.
 */
public enum Compression {
  NONE, GZIP, ZSTD;

  /** The Content-Encoding header value; none for {@link #NONE}. */
  public String contentEncoding() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
