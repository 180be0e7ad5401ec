package io.outflux.protocol;

import java.util.regex.Pattern;

/**
 * The rule for a client id, shared by the client's config check and the server, which never takes
 * an id it would not accept in a config: 1-128 letters, digits, '.', '_' or '-', starting with a
 * letter or digit. Ids that pass are safe in log lines, metrics, map keys and the fleet page.
 */
public final class ClientId {

  public static final int MAX_LENGTH = 128;
  private static final Pattern PATTERN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0," + (MAX_LENGTH - 1) + "}");

  private ClientId() {
  }

  public static boolean isValid(String id) {
    return id != null && id.length() <= MAX_LENGTH && PATTERN.matcher(id).matches();
  }

  /** Says what is wrong with an id, for an error message (the id itself is not repeated: it may be hostile). */
  public static String rule() {
    return "1-" + MAX_LENGTH + " letters, digits, '.', '_' or '-', starting with a letter or digit";
  }
}
