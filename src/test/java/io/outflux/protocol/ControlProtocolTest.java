package io.outflux.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.outflux.cluster.FlushTally;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The control channel's version agreement and the flush counts' wire form. */
class ControlProtocolTest {

  @Test
  void bothSidesSpeakTheLowerVersion() {
    assertEquals(1, ControlProtocol.agree(null), "a client naming no version speaks 1");
    assertEquals(1, ControlProtocol.agree("1"));
    assertEquals(ControlProtocol.VERSION, ControlProtocol.agree("99"), "a newer client gets ours");
    assertEquals(1, ControlProtocol.agree("0"));
    assertEquals(1, ControlProtocol.agree("x"));
  }

  @Test
  void anOlderNodesAnswerCountsAsAskedOnly() {
    FlushTally old = FlushTally.fromJson(new JsonObject().put("node", "n1").put("clientsAsked", 3));
    assertEquals(new FlushTally(3, 0, 0, 0), old);
    FlushTally now = FlushTally.fromJson(new FlushTally(2, 2, 1200, 0).toJson());
    assertEquals(new FlushTally(5, 2, 1200, 0), FlushTally.sum(List.of(old, now)));
    assertEquals("f-1", ControlProtocol.flushed("f-1", 5).getString(ControlProtocol.ID));
  }
}
