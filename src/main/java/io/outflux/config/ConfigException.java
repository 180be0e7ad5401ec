package io.outflux.config;

/**
 * A configuration value is missing, malformed or out of range. The message always names the source
 * (file or "deployment config") and the full key path, because that is what a user has to fix.
 */
public final class ConfigException extends RuntimeException {

  private final String source;
  private final String key;

  public ConfigException(String source, String key, String problem) {
    super(source + ": key \"" + key + "\": " + problem);
    this.source = source;
    this.key = key;
  }

  /** A problem with the whole source (missing file, invalid JSON) rather than one key. */
  public ConfigException(String source, String problem) {
    super(source + ": " + problem);
    this.source = source;
    this.key = null;
  }

  public String source() {
    return source;
  }

  public String key() {
    return key;
  }
}
