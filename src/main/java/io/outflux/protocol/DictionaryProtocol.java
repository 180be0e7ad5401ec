package io.outflux.protocol;

/**
 * zstd dictionaries on the wire (docs/wire-protocol.md, "zstd dictionaries"), wire version 3.
 *
 * <p>The client offers its dictionary with {@code PUT /api/v1/dictionaries/<id>?db=..&rp=..}, the
 * raw dictionary as the body, authenticated like a batch (its InfluxDB credentials must be allowed to
 * write to {@code db}); {@code <id>} is the version: the first 16 hex digits of the body's SHA-256.
 * The server answers 204 once every node of the cluster can decode with it, 400 when the id is not
 * the body's hash, 413 when the body is larger than {@link #MAX_SIZE}. A server older than this
 * answers 404 or 405: the client then sends plain zstd.
 *
 * <p>A batch compressed with it is sent with {@code Content-Encoding: }{@value #CONTENT_ENCODING} and
 * {@value #HEADER_DICTIONARY}{@code : <id>}. A server that does not hold that dictionary (restarted,
 * evicted by a newer one) answers {@value #STATUS_UNKNOWN} with {@value #HEADER_UNKNOWN}{@code : <id>}
 * before it decodes or writes anything; the client offers the dictionary again and resends the batch.
 * A server older than dictionaries answers the encoding with 415.
 */
public final class DictionaryProtocol {

  public static final String PATH = "/api/v1/dictionaries";
  public static final String CONTENT_ENCODING = "zstd-dict";
  public static final String HEADER_DICTIONARY = "Outflux-Dictionary";
  public static final String HEADER_UNKNOWN = "Outflux-Dictionary-Unknown";
  public static final int STATUS_UNKNOWN = 409;
  /** The largest dictionary a server takes (and the largest {@code transport.dictionarySize}). */
  public static final int MAX_SIZE = 64 * 1024;

  /** Hex digits of the SHA-256 that name a dictionary (64 bits: no accidental collision in a fleet). */
  public static final int ID_LENGTH = 16;

  private DictionaryProtocol() {
  }

  /** The version of a dictionary: the first {@value #ID_LENGTH} hex digits of its SHA-256. */
  public static String idOf(byte[] bytes) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes))
          .substring(0, ID_LENGTH);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Is this a well-formed id ({@value #ID_LENGTH} lowercase hex digits)? */
  public static boolean isId(String s) {
    return s != null && s.length() == ID_LENGTH && s.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
  }
}
