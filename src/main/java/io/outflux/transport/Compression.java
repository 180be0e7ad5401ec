package io.outflux.transport;

/**
 * How the client encodes batch bodies and stream payloads on the wire ({@code transport.compression}).
 * zstd (level 1) sends the fewest bytes at the least client CPU, and with a dictionary trained on the
 * site's lines ({@link ZstdDictionaries}) far fewer for small batches (docs/metered-links.md); a
 * server that does not know zstd answers 415 and the client falls back to gzip for that server, a
 * stream whose server does not agree to zstd at the upgrade gets gzip.
 */
public enum Compression {
  NONE, GZIP, ZSTD;

  /** The Content-Encoding header value; none for {@link #NONE}. */
  public String contentEncoding() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
