package io.outflux.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.config.ConfigException;
import io.outflux.server.ServerConfig;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The quorum verdicts, their config, and the membership log in virtual time. */
class QuorumTest {

  @Test
  void aStrictMajorityByDefault() {
    assertEquals(1, Quorum.majorityOf(1));
    assertEquals(2, Quorum.majorityOf(2));
    assertEquals(2, Quorum.majorityOf(3));
    assertEquals(3, Quorum.majorityOf(4));
    assertEquals(3, Quorum.majorityOf(5));
    Quorum three = new Quorum(3, 2);
    assertEquals(Quorum.Verdict.COMPLETE, three.of(3));
    assertEquals(Quorum.Verdict.COMPLETE, three.of(4), "a node more than expected is not a problem");
    assertEquals(Quorum.Verdict.DEGRADED, three.of(2));
    assertEquals(Quorum.Verdict.MINORITY, three.of(1));
    assertEquals(Quorum.Verdict.UNCHECKED, Quorum.UNCHECKED.of(1));
    assertEquals("1 of 3 expected members (quorum 2)", three.describe(1));
  }

  @Test
  void theConfigIsValidatedNamingTheKey() {
    assertEquals(new Quorum(3, 2), parse(new JsonObject().put("expectedSize", 3)).quorum());
    assertEquals(new Quorum(4, 2), parse(new JsonObject().put("expectedSize", 4).put("quorum", 2)).quorum());
    assertEquals(Quorum.UNCHECKED, parse(new JsonObject()).quorum());
    assertEquals("cluster.quorum",
        assertThrows(ConfigException.class, () -> parse(new JsonObject().put("expectedSize", 3).put("quorum", 4))).key());
    assertEquals("cluster.quorum",
        assertThrows(ConfigException.class, () -> parse(new JsonObject().put("quorum", 1))).key());
    assertEquals("cluster.expectedSize",
        assertThrows(ConfigException.class, () -> parse(new JsonObject().put("expectedSize", -1))).key());
  }

  @Test
  void theLogTellsEachSideOfASplitAndItsEnd() {
    AtomicLong now = new AtomicLong();
    SplitLog lone = new SplitLog(new Quorum(3, 2), 3, now::get);
    SplitLog.Line first = lone.left("10.0.0.1:5701", 2);
    assertTrue(first.warn());
    assertTrue(first.text().endsWith("2 of 3 expected members (quorum 2); this side keeps the quorum"), first.text());
    SplitLog.Line second = lone.left("10.0.0.2:5701", 1);
    assertTrue(second.text().contains("this node is in a minority partition"), second.text());
    now.addAndGet(Duration.ofSeconds(4).toNanos());
    SplitLog.Line back = lone.joined("10.0.0.1:5701", 2);
    assertTrue(!back.warn());
    assertTrue(back.text().endsWith("out of the minority partition after 4.0 s apart"), back.text());
    now.addAndGet(Duration.ofSeconds(1).toNanos());
    SplitLog.Line whole = lone.joined("10.0.0.2:5701", 3);
    assertTrue(whole.text().endsWith("complete again after 5.0 s apart"), whole.text());
    assertTrue(lone.splitFor().isEmpty());
    assertTrue(lone.joined("10.0.0.3:5701", 4).text().endsWith("4 of 3 expected members (quorum 2)"),
        "a join while complete is just a join");
  }

  @Test
  void aMergeIsToldWithHowLongTheNodeWasApart() {
    AtomicLong now = new AtomicLong();
    SplitLog log = new SplitLog(new Quorum(4, 3), 4, now::get);
    log.left("a:1", 3);
    log.left("b:1", 2);
    assertTrue(log.merging().warn());
    now.addAndGet(Duration.ofSeconds(12).toNanos());
    assertEquals("cluster: merged after 12 s apart; this node sees 4 of 4 expected members (quorum 3)",
        log.merged(4).text());
    SplitLog unchecked = new SplitLog(Quorum.UNCHECKED, 2, now::get);
    assertEquals("cluster: member a:1 left or stopped answering; this node sees 1 member(s)",
        unchecked.left("a:1", 1).text());
  }

  private static io.outflux.cluster.ClusterConfig parse(JsonObject cluster) {
    JsonObject json = new JsonObject().put("influx", new JsonObject().put("url", "http://127.0.0.1:8086"))
        .put("cluster", cluster);
    return ServerConfig.parse(json, Map.of()).cluster();
  }
}
