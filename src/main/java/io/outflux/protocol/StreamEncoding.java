package io.outflux.protocol;

import java.util.Locale;
import java.util.Optional;

/**
 * The stream's payload encoding, agreed at the upgrade ({@link StreamProtocol#HEADER_STREAM_ENCODING},
 * docs/wire-protocol.md, "zstd payloads"): both sides' decisions in one pure place, so that they are
 * tested against each other. The client asks for zstd only when configured so; the server agrees only to
 * what was asked, by answering the same header in its 101; the client uses zstd only when it asked and
 * the 101 agreed, and the stream's dictionary only on top of that. A value is a comma-separated list of
 * tokens, compared without case: {@code zstd} is the one known today (another, say {@code zstdx}, is not it).
 */
public final class StreamEncoding {

  private StreamEncoding() {
  }

  /** Client: the header the upgrade asks with; empty when the client is not configured for zstd. */
  public static Optional<String> ask(boolean zstdConfigured) {
    return zstdConfigured ? Optional.of(StreamProtocol.ENCODING_ZSTD) : Optional.empty();
  }

  /** Server: the header its 101 answers to the one the upgrade asked with (may be null); empty: none. */
  public static Optional<String> answer(String asked) {
    return names(asked, StreamProtocol.ENCODING_ZSTD) ? Optional.of(StreamProtocol.ENCODING_ZSTD) : Optional.empty();
  }

  /**
   * Client: does the stream carry zstd payloads? Only when the client asked and the 101 agreed; a 101
   * naming zstd to a client that did not ask (a proxy's header, a confused server) changes nothing.
   */
  public static boolean agreed(boolean asked, String answered) {
    return asked && names(answered, StreamProtocol.ENCODING_ZSTD);
  }

  /**
   * Client: a batch's payload on the stream.
   *
   * @param zstdAgreed {@link #agreed} at the upgrade
   * @param dictionaryHeld the server answered {@code held: true} to the stream's dictionary message
   * @param gzip the client compresses at all ({@code transport.compression} is not none)
   */
  public static StreamProtocol.Payload payload(boolean zstdAgreed, boolean dictionaryHeld, boolean gzip) {
    if (zstdAgreed) {
      return dictionaryHeld ? StreamProtocol.Payload.ZSTD_DICTIONARY : StreamProtocol.Payload.ZSTD;
    }
    return gzip ? StreamProtocol.Payload.GZIP : StreamProtocol.Payload.PLAIN;
  }

  private static boolean names(String header, String token) {
    if (header == null) {
      return false;
    }
    for (String t : header.split(",")) {
      if (t.trim().toLowerCase(Locale.ROOT).equals(token)) {
        return true;
      }
    }
    return false;
  }
}
