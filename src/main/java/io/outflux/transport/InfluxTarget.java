package io.outflux.transport;

import io.outflux.config.ConfigReader;
import io.outflux.protocol.Credentials;
import io.outflux.lineprotocol.Precision;

/**
 * The central InfluxDB database the client's lines go to and the credentials to write them with.
 * The server checks these credentials against that InfluxDB and writes with them.
 *
 * @param credentials InfluxDB 1.x user and password
 * @param database target database
 * @param retentionPolicy target retention policy; empty for the database's default
 * @param precision the precision of the timestamps in the spool's lines
 */
public record InfluxTarget(Credentials credentials, String database, String retentionPolicy, Precision precision) {

  public static final Precision DEFAULT_PRECISION = Precision.NS;

  public static InfluxTarget from(ConfigReader r) {
    Credentials credentials = new Credentials.Basic(r.requiredString("username"), r.string("password", ""));
    return new InfluxTarget(credentials, r.requiredString("database"), r.string("retentionPolicy", ""),
        r.enumValue("precision", Precision.class, DEFAULT_PRECISION));
  }

  @Override
  public String toString() {
    // for logs: "user writer, database telegraf (default retention policy), precision ns"
    return credentials.principal() + ", database " + database + " ("
        + (retentionPolicy.isEmpty() ? "default retention policy" : "retention policy " + retentionPolicy)
        + "), precision " + precision.configName();
  }

}
