package io.outflux.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.outflux.metrics.Metrics;
import org.junit.jupiter.api.Test;

class ClientMetersTest {

  @Test
  void twoClientsInOneRegistryAreCountedApart() {
    ClientMeters a = ClientMeters.of("meters-test-a");
    ClientMeters b = ClientMeters.of("meters-test-b");
    a.linesAcked.increment(3);
    b.linesAcked.increment(5);
    a.connection(ClientMeters.Connection.CONNECTED, "http://a:1");
    assertEquals(3, Metrics.registry().get("outflux_client_lines_acked").tag(ClientMeters.CLIENT_TAG, "meters-test-a")
        .counter().count());
    assertEquals(5, Metrics.registry().get("outflux_client_lines_acked").tag(ClientMeters.CLIENT_TAG, "meters-test-b")
        .counter().count());
    assertEquals(1, Metrics.registry().get("outflux_client_connection").tag(ClientMeters.CLIENT_TAG, "meters-test-a")
        .tag("state", "connected").gauge().value());
    assertEquals(0, Metrics.registry().get("outflux_client_connection").tag(ClientMeters.CLIENT_TAG, "meters-test-b")
        .tag("state", "connected").gauge().value());
  }

  @Test
  void aClientRedeployedInTheSameJvmKeepsItsMeters() {
    assertSame(ClientMeters.of("meters-test-again"), ClientMeters.of("meters-test-again"));
  }
}
