package io.outflux.server;

import io.outflux.config.ConfigReader;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Site identity and routing ({@code sites.*}, docs/cluster.md): which databases get the site tag,
 * and which clients the server sends to another database, retention policy or bucket than the one
 * they ask for. The client's own InfluxDB credentials still decide whether it may write there: the
 * server checks them against the routed target, never the asked one.
 *
 * @param tagName the site tag's key
 * @param tagByDefault whether databases not named in {@code perDatabase} get the tag
 * @param perDatabase database (or bucket) → whether it gets the tag, overriding {@code tagByDefault}
 * @param routes checked in order; the first that matches a client decides its target
 */
public record SiteConfig(String tagName, boolean tagByDefault, Map<String, Boolean> perDatabase, List<Route> routes) {

  public static final String DEFAULT_TAG_NAME = "site";
  public static final SiteConfig OFF = new SiteConfig(DEFAULT_TAG_NAME, false, Map.of(), List.of());

  /**
   * One routing rule: matches a client by its client id or by its certificate's name (glob
   * patterns with {@code *} and {@code ?}; both must match when both are given).
   *
   * @param retentionPolicy empty: the one the client asked for (usually the database's default)
   */
  public record Route(Optional<String> clientId, Optional<String> certificate, String database,
                      Optional<String> retentionPolicy) {

    boolean matches(String client, Optional<String> certificateName) {
      return clientId.map(p -> glob(p).matcher(client).matches()).orElse(true)
          && certificate.map(p -> certificateName.map(c -> glob(p).matcher(c).matches()).orElse(false)).orElse(true);
    }
  }

  /** Where a batch is written: the client's ask, or the route's. */
  public record Target(String database, String retentionPolicy, boolean routed) {
  }

  public static SiteConfig from(ConfigReader r) {
    String name = r.string("tagName", DEFAULT_TAG_NAME);
    SiteTag.unusable(name).ifPresent(why -> {
      throw r.error("tagName", why);
    });
    if (name.equals("time") || name.startsWith("_")) {
      throw r.error("tagName", "\"" + name + "\" is reserved by InfluxDB; choose another tag name");
    }
    boolean tag = r.bool("tag", false);
    ConfigReader dbs = r.section("databases");
    Map<String, Boolean> perDb = new java.util.LinkedHashMap<>();
    for (String db : dbs.keys()) {
      perDb.put(db, dbs.bool(db, tag));
    }
    List<ConfigReader> list = r.sections("routes");
    List<Route> routes = new java.util.ArrayList<>();
    for (ConfigReader route : list) {
      Optional<String> client = Optional.ofNullable(route.string("clientId", null));
      Optional<String> cert = Optional.ofNullable(route.string("certificate", null));
      if (client.isEmpty() && cert.isEmpty()) {
        throw route.error("clientId", "a route needs clientId or certificate (a pattern such as \"plant-a-*\")");
      }
      String db = route.string("database", null);
      String bucket = route.string("bucket", null);
      if ((db == null) == (bucket == null)) {
        throw route.error("database", "a route needs either database (InfluxDB 1.x) or bucket (2.x)");
      }
      Optional<String> rp = Optional.ofNullable(route.string("retentionPolicy", null)).filter(s -> !s.isEmpty());
      if (bucket != null && rp.isPresent()) {
        throw route.error("retentionPolicy", "is for a 1.x database; a 2.x bucket has its own retention");
      }
      routes.add(new Route(client, cert, db != null ? db : bucket, rp));
    }
    return new SiteConfig(name, tag, Map.copyOf(perDb), List.copyOf(routes));
  }

  /** Whether lines written to {@code database} get the site tag. */
  public boolean tags(String database) {
    return perDatabase.getOrDefault(database, tagByDefault);
  }

  /** Whether any database gets the site tag (for {@code outflux check} and the start-up log). */
  public boolean tagsAny() {
    return tagByDefault || perDatabase.containsValue(true);
  }

  /** Where a client's batches go: the first matching route, else what it asked for. */
  public Target route(String clientId, Optional<String> certificateName, String database, String retentionPolicy) {
    for (Route r : routes) {
      if (r.matches(clientId, certificateName)) {
        return new Target(r.database(), r.retentionPolicy().orElse(retentionPolicy), true);
      }
    }
    return new Target(database, retentionPolicy, false);
  }

  /** The value of a client's site tag: its certificate's name when it presented one, else its client id. */
  public static String siteOf(String clientId, Optional<String> certificateName) {
    return certificateName.orElse(clientId);
  }

  private static final Map<String, Pattern> GLOBS = new java.util.concurrent.ConcurrentHashMap<>();

  static Pattern glob(String pattern) {
    return GLOBS.computeIfAbsent(pattern, p -> {
      StringBuilder sb = new StringBuilder();
      for (char c : p.toCharArray()) {
        switch (c) {
          case '*' -> sb.append(".*");
          case '?' -> sb.append('.');
          default -> sb.append(Pattern.quote(String.valueOf(c)));
        }
      }
      return Pattern.compile(sb.toString());
    });
  }
}
