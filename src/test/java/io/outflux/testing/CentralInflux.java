package io.outflux.testing;

import io.outflux.influxd.InfluxdOptions;
import io.outflux.influxd.InfluxdProcess;
import io.outflux.influxd.Privilege;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A central InfluxDB as a user would run it: auth on, an admin, a database and a user that may only
 * write to it. Real influxd, started on a free loopback port. In a test class:
 * {@code @RegisterExtension static final CentralInflux central = CentralInflux.perTestClass();}
 * starts it before the class's {@code @BeforeAll} methods and stops it after the class.
 */
public final class CentralInflux implements AutoCloseable, BeforeAllCallback, AfterAllCallback {

  public static final String ADMIN = "admin";
  public static final String ADMIN_PASSWORD = "admin-pw";
  public static final String DB = "telegraf";
  public static final String WRITER = "edge";
  public static final String WRITER_PASSWORD = "edge-secret-pw";

  /** The running influxd; set once started (at once by {@link #start()}, per class by the extension). */
  public InfluxdProcess influxd;

  private CentralInflux(InfluxdProcess influxd) {
    this.influxd = influxd;
  }

  public static CentralInflux start() {
    return new CentralInflux(launch());
  }

  /** One central InfluxDB for a test class, as a JUnit extension. */
  public static CentralInflux perTestClass() {
    return new CentralInflux(null);
  }

  private static InfluxdProcess launch() {
    InfluxdProcess p = InfluxdProcess.start(InfluxdOptions.builder().authEnabled(true).build());
    p.bootstrapAdmin(ADMIN, ADMIN_PASSWORD);
    p.createDatabase(DB);
    p.createUser(WRITER, WRITER_PASSWORD, false);
    p.grant(Privilege.WRITE, DB, WRITER);
    return p;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    influxd = launch();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  public long count(String db, String measurement) {
    return influxd.count(db, measurement);
  }

  @Override
  public void close() {
    if (influxd != null) {
      influxd.close();
      influxd = null;
    }
  }
}
