package io.outflux.e2e;

import io.outflux.testing.CentralInflux;
import io.outflux.testing.ClientFixture;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The frame of the e2e tests that deploy clients in the test's Vert.x: one central InfluxDB per test
 * class, and the clients undeployed after each test while their spool (a {@code @TempDir}) still exists.
 */
@ExtendWith(VertxExtension.class)
abstract class CentralTestBase {

  @RegisterExtension
  static final CentralInflux central = CentralInflux.perTestClass();

  @AfterEach
  void stopClientsWhileTheirSpoolStillExists(Vertx vertx) throws Exception {
    ClientFixture.undeployAll(vertx);
  }
}
