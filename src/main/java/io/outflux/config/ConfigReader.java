package io.outflux.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Typed, strict access to one JSON config object. Every getter names the full key path in its error,
 * environment variables override file values, and {@link #rejectUnknownKeys()} catches typos such as
 * "intervall" that would otherwise silently fall back to a default.
 *
 * <p>Environment rule: {@code OUTFLUX_<ROLE>_<KEY_PATH>}, the key path upper-cased with dots and
 * camelCase humps turned into underscores. For the client key {@code influx.password} that is
 * {@code OUTFLUX_CLIENT_INFLUX_PASSWORD}; for the server key {@code http.port},
 * {@code OUTFLUX_SERVER_HTTP_PORT}. Lists are comma separated.
 */
public final class ConfigReader {

  private final JsonObject json;
  private final String source;
  private final String path;
  private final String envPrefix;
  private final Map<String, String> env;
  private final Set<String> used = new HashSet<>();
  private final List<ConfigReader> children = new ArrayList<>();

  private ConfigReader(JsonObject json, String source, String path, String envPrefix, Map<String, String> env) {
    this.json = json;
    this.source = source;
    this.path = path;
    this.envPrefix = envPrefix;
    this.env = env;
  }

  /**
   * @param role "client" or "server": the second word of the environment variable names
   * @param source where the JSON came from, for error messages (a file path or "deployment config")
   */
  public static ConfigReader root(JsonObject json, String source, String role, Map<String, String> env) {
    JsonObject copy = json == null ? new JsonObject() : json.copy();
    copy.remove(ConfigSource.SOURCE_KEY);
    return new ConfigReader(copy, source, "", "OUTFLUX_" + role.toUpperCase(Locale.ROOT), env);
  }

  public String source() {
    return source;
  }

  public ConfigException error(String key, String problem) {
    return new ConfigException(source, fullKey(key), problem);
  }

  public static String envName(String prefix, String fullKey) {
    StringBuilder sb = new StringBuilder(prefix);
    for (String part : fullKey.split("\\.")) {
      sb.append('_');
      for (int i = 0; i < part.length(); i++) {
        char c = part.charAt(i);
        if (Character.isUpperCase(c) && i > 0) {
          sb.append('_');
        }
        sb.append(Character.toUpperCase(c));
      }
    }
    return sb.toString();
  }

  public String envName(String key) {
    return envName(envPrefix, fullKey(key));
  }

  /** A nested object; absent means empty (so defaults and environment overrides still apply). */
  public ConfigReader section(String key) {
    used.add(key);
    Object v = json.getValue(key);
    JsonObject child;
    if (v == null) {
      child = new JsonObject();
    } else if (v instanceof JsonObject o) {
      child = o;
    } else {
      throw error(key, "must be an object, found " + describe(v));
    }
    ConfigReader reader = new ConfigReader(child, source, fullKey(key), envPrefix, env);
    children.add(reader);
    return reader;
  }

  /**
   * A list of objects ({@code "routes": [{...}, {...}]}), each read like a {@link #section}; its
   * errors name the element ({@code sites.routes[1].database}). Absent means empty.
   */
  public List<ConfigReader> sections(String key) {
    used.add(key);
    Object v = json.getValue(key);
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof JsonArray array)) {
      throw error(key, "must be a list of objects, found " + describe(v));
    }
    List<ConfigReader> out = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof JsonObject o)) {
        throw error(key + "[" + i + "]", "must be an object, found " + describe(array.getValue(i)));
      }
      ConfigReader reader = new ConfigReader(o, source, fullKey(key) + "[" + i + "]", envPrefix, env);
      children.add(reader);
      out.add(reader);
    }
    return out;
  }

  /** The keys present in this object's file (not the environment), in file order: for maps such as {@code sites.databases}. */
  public List<String> keys() {
    return List.copyOf(json.fieldNames());
  }

  public boolean has(String key) {
    return json.containsKey(key) || env.containsKey(envName(key));
  }

  public String requiredString(String key) {
    String v = string(key, null);
    if (v == null || v.isBlank()) {
      throw error(key, "is required (set it in the file or with " + envName(key) + ")");
    }
    return v;
  }

  public String string(String key, String defaultValue) {
    return value(key, defaultValue, raw -> raw, v -> v instanceof String s ? s : null, "a string");
  }

  public int integer(String key, int defaultValue, int min, int max) {
    long v = longValue(key, defaultValue, min, max);
    return (int) v;
  }

  public long longValue(String key, long defaultValue, long min, long max) {
    Long v = value(key, defaultValue, Long::parseLong,
        o -> o instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) ? n.longValue() : null,
        "a whole number");
    checkRange(key, v, min, max, Long.toString(v));
    return v;
  }

  public boolean bool(String key, boolean defaultValue) {
    return value(key, defaultValue, raw -> switch (raw.toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes" -> true;
      case "false", "0", "no" -> false;
      default -> throw new IllegalArgumentException("expected true or false");
    }, o -> o instanceof Boolean b ? b : null, "true or false");
  }

  /** A duration such as "250ms" or "5s"; a bare number means milliseconds. */
  public Duration duration(String key, Duration defaultValue, Duration min, Duration max) {
    Duration d = value(key, defaultValue, Units::parseDuration,
        o -> o instanceof Number n ? Duration.ofMillis(n.longValue()) : o instanceof String s ? Units.parseDuration(s) : null,
        "a duration such as \"5s\"");
    if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      throw error(key, Units.formatDuration(d) + " is out of range [" + Units.formatDuration(min) + ", "
          + Units.formatDuration(max) + "]");
    }
    return d;
  }

  /** A size such as 5000000 or "4MiB". */
  public long size(String key, long defaultValue, long min, long max) {
    long v = value(key, defaultValue, Units::parseSize,
        o -> o instanceof Number n ? n.longValue() : o instanceof String s ? Units.parseSize(s) : null,
        "a size such as 1048576 or \"1MiB\"");
    checkRange(key, v, min, max, v + " bytes");
    return v;
  }

  public <E extends Enum<E>> E enumValue(String key, Class<E> type, E defaultValue) {
    Function<String, E> parse = raw -> {
      for (E e : type.getEnumConstants()) {
        if (e.name().equalsIgnoreCase(raw.replace('-', '_'))) {
          return e;
        }
      }
      throw new IllegalArgumentException("\"" + raw + "\" is not one of " + choices(type));
    };
    return value(key, defaultValue, parse, o -> o instanceof String s ? parse.apply(s) : null, "one of " + choices(type));
  }

  public List<String> stringList(String key, List<String> defaultValue) {
    return value(key, defaultValue,
        raw -> Arrays.stream(raw.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList(),
        o -> {
          if (o instanceof String s) {
            return List.of(s);
          }
          if (!(o instanceof JsonArray a)) {
            return null;
          }
          List<String> out = new ArrayList<>();
          for (Object item : a) {
            if (!(item instanceof String s)) {
              throw new IllegalArgumentException("every element must be a string, found " + describe(item));
            }
            out.add(s);
          }
          return out;
        }, "a list of strings");
  }

  /** An optional path to a file that must exist and be readable (checked now, not at first use). */
  public java.util.Optional<java.nio.file.Path> readableFile(String key) {
    String raw = string(key, "");
    if (raw.isBlank()) {
      return java.util.Optional.empty();
    }
    java.nio.file.Path path = java.nio.file.Path.of(raw);
    if (!java.nio.file.Files.isRegularFile(path)) {
      throw error(key, "file \"" + raw + "\" does not exist");
    }
    if (!java.nio.file.Files.isReadable(path)) {
      throw error(key, "file \"" + raw + "\" is not readable by this user");
    }
    return java.util.Optional.of(path);
  }

  /** An absolute http(s) URI such as "http://127.0.0.1:8086". */
  public URI httpUri(String key, String defaultValue) {
    String raw = defaultValue == null ? requiredString(key) : string(key, defaultValue);
    return parseHttpUri(key, raw);
  }

  public URI parseHttpUri(String key, String raw) {
    try {
      URI uri = new URI(raw.trim());
      if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
          || uri.getHost() == null) {
        throw error(key, "\"" + raw + "\" is not an http:// or https:// address with a host");
      }
      if (uri.getRawUserInfo() != null) {
        // an address is logged, shown in status and metrics: a password in it would leak everywhere
        throw error(key, "an address must not carry a user or password (\"" + uri.getScheme() + "://"
            + uri.getHost() + "...\"); set the InfluxDB credentials in influx.username and influx.password");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw error(key, "\"" + raw + "\" is not a valid address: " + e.getReason());
    }
  }

  /** Fails on any key of this object (and of the sections read from it) that no getter asked for. */
  public void rejectUnknownKeys() {
    Set<String> unknown = new TreeSet<>(json.fieldNames());
    unknown.removeAll(used);
    if (!unknown.isEmpty()) {
      String first = unknown.iterator().next();
      throw error(first, "unknown key" + (unknown.size() > 1 ? " (also unknown: " + String.join(", ", unknown) + ")" : "")
          + "; known keys here: " + String.join(", ", new TreeSet<>(used)));
    }
    children.forEach(ConfigReader::rejectUnknownKeys);
  }

  private <T> T value(String key, T defaultValue, Function<String, T> fromEnv, Function<Object, T> fromJson, String expected) {
    used.add(key);
    String envValue = env.get(envName(key));
    try {
      if (envValue != null) {
        return fromEnv.apply(envValue);
      }
      Object raw = json.getValue(key);
      if (raw == null) {
        return defaultValue;
      }
      T v = fromJson.apply(raw);
      if (v == null) {
        throw error(key, "must be " + expected + ", found " + describe(raw));
      }
      return v;
    } catch (ConfigException e) {
      throw e;
    } catch (RuntimeException e) {
      String where = envValue != null ? " (from environment variable " + envName(key) + ")" : "";
      throw error(key, e.getMessage() + where);
    }
  }

  private void checkRange(String key, long v, long min, long max, String shown) {
    if (v < min || v > max) {
      throw error(key, shown + " is out of range [" + min + ", " + max + "]");
    }
  }

  private String fullKey(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  private static String describe(Object v) {
    if (v instanceof JsonObject) {
      return "an object";
    }
    if (v instanceof JsonArray) {
      return "a list";
    }
    if (v instanceof String s) {
      return "the string \"" + s + "\"";
    }
    return String.valueOf(v);
  }

  private static <E extends Enum<E>> String choices(Class<E> type) {
    // the documented spelling ("interval-size"); the underscore form is accepted too
    return Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT).replace('_', '-')).toList()
        .toString();
  }
}
