package io.outflux.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a verticle's config came from. The launcher hands verticles only the parsed JSON, so the
 * launcher entry point records the file name under {@link #SOURCE_KEY}; readers strip it again.
 */
public final class ConfigSource {

  /** Reserved key, never a real setting. */
  public static final String SOURCE_KEY = "$source";
  public static final String INLINE = "deployment config";

  private static final Pattern LOCATION = Pattern.compile("line: (\\d+), column: (\\d+)");

  private ConfigSource() {
  }

  public static String nameOf(JsonObject config) {
    return config == null ? INLINE : config.getString(SOURCE_KEY, INLINE);
  }

  /** Reads a JSON config file, failing with the file name and the parser's line/column. */
  /** Jackson's message without its source dump: "line 3, column 7: Unexpected character ...". */
  public static String jsonProblem(DecodeException e) {
    String msg = String.valueOf(e.getMessage());
    Matcher where = LOCATION.matcher(msg);
    String first = msg.split("\n")[0].replaceFirst("^Failed to decode:\\s*", "");
    int paren = first.indexOf(" (for ");
    if (paren > 0) {
      first = first.substring(0, paren);
    }
    return where.find() ? "line " + where.group(1) + ", column " + where.group(2) + ": " + first : first;
  }

  public static JsonObject readFile(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException(file.toString(), "file not found");
    } catch (IOException e) {
      throw new ConfigException(file.toString(), "cannot read the file: " + e.getMessage());
    }
    try {
      return new JsonObject(text).put(SOURCE_KEY, file.toString());
    } catch (DecodeException e) {
      throw new ConfigException(file.toString(), "not a valid JSON object: " + jsonProblem(e));
    }
  }
}
