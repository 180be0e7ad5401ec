package io.outflux.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.protocol.WireProtocol;
import io.outflux.testing.CentralInflux;
import io.outflux.testing.ServerNode;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three server nodes (JVMs from the jar, conf/cluster.xml's Hazelcast settings, expected size 3);
 * one is frozen with SIGSTOP for 30 s, long enough for the others to drop it, then thawed. The
 * cluster must be whole again within 60 s, and meanwhile the thawed node, alone in its partition,
 * must say so: {@code /ready} 503 "minority".
 */
@Tag("slow")
class ClusterSplitIT {

  @TempDir
  static Path dir;
  @RegisterExtension
  static final CentralInflux central = CentralInflux.perTestClass();
  private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  private static final List<ServerNode> nodes = new ArrayList<>();

  @BeforeAll
  static void startCluster() throws Exception {
    ServerNode.Cluster cluster = ServerNode.Cluster.of(3);
    for (int i = 0; i < 3; i++) {
      nodes.add(ServerNode.start("node-" + (char) ('a' + i), cluster, i, central.influxd.url(), dir,
          ",\"expectedSize\":3"));
    }
    for (ServerNode n : nodes) {
      n.awaitHealthy(Duration.ofSeconds(90));
    }
    await("every node sees 3 members").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .ignoreExceptions().until(() -> {
          for (ServerNode n : nodes) {
            if (members(ready(n)) != 3) {
              return false;
            }
          }
          return true;
        });
  }

  @AfterAll
  static void stopAll() {
    nodes.forEach(ServerNode::close);
  }

  @Test
  void aNodeFrozenFor30SecondsIsInAMinorityMeanwhileAndTheClusterIsWholeWithin60SecondsOfItsThaw()
      throws Exception {
    ServerNode a = nodes.get(0);
    ServerNode b = nodes.get(1);
    ServerNode c = nodes.get(2);
    for (ServerNode n : nodes) {
      Answer r = ready(n);
      assertEquals(200, r.status, n.name + ": " + r.body);
      assertEquals("complete", r.body.getString("partition"), r.body.encode());
      assertEquals(3, r.body.getInteger("expected"), r.body.encode());
      assertEquals(2, r.body.getInteger("quorum"), r.body.encode());
    }

    long frozenAt = System.nanoTime();
    c.freeze();
    try {
      await("a and b drop the frozen node").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
          .ignoreExceptions().until(() -> members(ready(a)) == 2 && members(ready(b)) == 2);
      Duration rest = Duration.ofSeconds(30).minusNanos(System.nanoTime() - frozenAt);
      List<String> seen = new ArrayList<>(); // every answer that was not "ready, degraded", for the failure message
      try {
        await("a and b stay ready, on the majority side, while c is frozen").during(rest)
            .atMost(rest.plusSeconds(10)).pollInterval(Duration.ofMillis(500))
            .until(() -> {
              Answer ra = ready(a);
              Answer rb = ready(b);
              boolean ok = ra.status == 200 && rb.status == 200 && "degraded".equals(ra.body.getString("partition"))
                  && "degraded".equals(rb.body.getString("partition"));
              if (!ok) {
                seen.add(((System.nanoTime() - frozenAt) / 1_000_000) + " ms after the freeze: a " + ra.status + " "
                    + ra.body.encode() + ", b " + rb.status + " " + rb.body.encode());
              }
              return ok;
            });
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        throw new AssertionError("a and b did not stay ready and degraded while c was frozen: " + seen
            + "\n--- a ---\n" + tail(a.logText()) + "\n--- b ---\n" + tail(b.logText()), e);
      }
    } finally {
      c.thaw();
    }

    long thawedAt = System.nanoTime();
    Set<String> seenOnC = new LinkedHashSet<>();
    List<String> minority = new ArrayList<>();
    await("every node sees 3 members within 60 s of the thaw").atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100)).ignoreExceptions()
        .until(() -> {
          Answer rc = ready(c);
          seenOnC.add(rc.status + " " + rc.body.getString("partition") + " " + rc.body.getInteger("members"));
          if (rc.status == 503 && "minority".equals(rc.body.getString("partition"))) {
            minority.add(rc.body.encode());
          }
          return members(rc) == 3 && members(ready(a)) == 3 && members(ready(b)) == 3 && rc.status == 200;
        });
    long healedMs = (System.nanoTime() - thawedAt) / 1_000_000;
    System.out.println("ClusterSplitIT: whole again " + healedMs + " ms after the thaw; /ready of c meanwhile: "
        + seenOnC);
    assertTrue(!minority.isEmpty(), "the thawed node answered /ready 503 minority while apart; it answered "
        + seenOnC + "\n" + c.logText());
    assertTrue(minority.get(0).contains("\"members\":1"), minority.get(0));

    // each side told its story in its log
    assertTrue(a.logText().contains("left or stopped answering") || b.logText().contains("left or stopped answering"),
        a.logText());
    assertTrue(c.logText().contains("this node is in a minority partition"), c.logText());
    assertTrue(c.logText().contains("cluster: merged") || c.logText().contains("complete again"), c.logText());
    for (ServerNode n : nodes) {
      Answer r = ready(n);
      assertEquals(200, r.status, n.name + ": " + r.body);
      assertEquals("complete", r.body.getString("partition"), r.body.encode());
    }
  }

  private record Answer(int status, JsonObject body) {
  }

  private static Answer ready(ServerNode node) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(node.url() + WireProtocol.READY_PATH))
        .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(r.statusCode(), new JsonObject(r.body()));
  }

  private static String tail(String log) {
    return log.length() <= 6000 ? log : log.substring(log.length() - 6000);
  }

  private static int members(Answer r) {
    return r.body.getInteger("members", 0);
  }
}
