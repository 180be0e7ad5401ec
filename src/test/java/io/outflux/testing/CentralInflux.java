package io.outflux.testing;

import io.outflux.influxd.InfluxdOptions;
import io.outflux.influxd.InfluxdProcess;
import io.outflux.influxd.Privilege;

/**
 * A central InfluxDB as a user would run it: auth on, an admin, a database and a user that may only
 * write to it. Real influxd, started on a free loopback port.
 */
public final class CentralInflux implements AutoCloseable {

  public static final String ADMIN = "admin";
  public static final String ADMIN_PASSWORD = "admin-pw";
  public static final String DB = "telegraf";
  public static final String WRITER = "edge";
  public static final String WRITER_PASSWORD = "edge-secret-pw";

  public final InfluxdProcess influxd;

  private CentralInflux(InfluxdProcess influxd) {
    this.influxd = influxd;
  }

  public static CentralInflux start() {
    InfluxdProcess p = InfluxdProcess.start(InfluxdOptions.builder().authEnabled(true).build());
    p.bootstrapAdmin(ADMIN, ADMIN_PASSWORD);
    p.createDatabase(DB);
    p.createUser(WRITER, WRITER_PASSWORD, false);
    p.grant(Privilege.WRITE, DB, WRITER);
    return new CentralInflux(p);
  }

  public long count(String db, String measurement) {
    return influxd.count(db, measurement);
  }

  @Override
  public void close() {
    influxd.close();
  }
}
