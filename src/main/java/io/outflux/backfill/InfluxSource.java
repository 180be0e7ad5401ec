package io.outflux.backfill;

import io.outflux.config.ConfigReader;
import java.net.URI;
import java.util.Optional;

/**
 * An InfluxDB 1.x to read from with v1 {@code /query}: the edge's own InfluxDB (config section
 * {@code edge}) or, for {@code backfill --verify}, the central one ({@code central}, a user that
 * may read the client's database; the {@code influx} user only needs to write).
 */
public record InfluxSource(URI url, String username, String password, String database) {

  /** Empty when the section is absent: backfill is optional. */
  public static Optional<InfluxSource> from(ConfigReader parent, String key, String defaultDatabase) {
    if (!parent.has(key)) {
      return Optional.empty();
    }
    ConfigReader r = parent.section(key);
    URI url = r.httpUri("url", null);
    String username = r.string("username", "");
    String password = r.string("password", "");
    if (username.isEmpty() && !password.isEmpty()) {
      throw r.error("password", "is set but username is empty");
    }
    String database = defaultDatabase == null ? r.requiredString("database") : r.string("database", defaultDatabase);
    if (database.isBlank()) {
      throw r.error("database", "must not be empty");
    }
    return Optional.of(new InfluxSource(url, username, password, database));
  }

  @Override
  public String toString() {
    return "InfluxSource[" + url + ", user=" + username + ", database=" + database + "]";
  }
}
