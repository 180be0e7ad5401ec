package io.outflux.examples;

import com.hazelcast.config.Config;
import com.hazelcast.config.XmlConfigBuilder;
import io.outflux.launch.Main;
import io.outflux.server.ServerBus;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Example: ask every client of an outflux cluster to flush from a program of one's own, by
 * publishing on the cluster's event bus (docs/cluster.md, "Publishing a flush from your own
 * program"). It joins the nodes' Hazelcast cluster as a <b>lite member</b> (it holds no partitions,
 * so joining and leaving moves no data and the nodes do not wait for it), publishes
 * {@code {"replyTo": <address>, "answerWithinMs": <ms>}} on {@code outflux.server.flush-all}, prints
 * what the nodes answered as one JSON line and leaves.
 *
 * <pre>
 * java -cp outflux.jar io.outflux.examples.FlushPublisher --cluster-config conf/cluster.xml \
 *      [--host 10.0.0.5] [--member-port 5710] [--timeout 10s]
 * </pre>
 * Exit status 0 when every server node answered, 1 when some did not within the timeout, 2 on
 * bad arguments.
 */
public final class FlushPublisher {

  private FlushPublisher() {
  }

  public static void main(String[] args) throws Exception {
    Path xml = Path.of(System.getProperty(Main.HAZELCAST_CONFIG_PROPERTY, "conf/cluster.xml"));
    String host = "127.0.0.1";
    int memberPort = 0;
    Duration timeout = Duration.ofSeconds(10);
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--cluster-config" -> xml = Path.of(args[i + 1]);
        case "--host" -> host = args[i + 1];
        case "--member-port" -> memberPort = Integer.parseInt(args[i + 1]);
        case "--timeout" -> timeout = io.outflux.config.Units.parseDuration(args[i + 1]);
        default -> {
          System.err.println("unknown option " + args[i]);
          System.exit(2);
        }
      }
    }
    if (args.length % 2 != 0 || !Files.isRegularFile(xml)) {
      System.err.println("usage: FlushPublisher --cluster-config <the nodes' cluster.xml> [--host H]"
          + " [--member-port P] [--timeout 10s]");
      System.exit(2);
    }
    System.exit(publish(xml, host, memberPort, timeout));
  }

  static int publish(Path xml, String host, int memberPort, Duration timeout) throws Exception {
    Config config = new XmlConfigBuilder(xml.toString()).build();
    // the nodes' cluster name, member list and maps; no partitions of its own
    config.setLiteMember(true);
    if (memberPort > 0) {
      config.getNetworkConfig().setPort(memberPort).setPortAutoIncrement(false);
    }
    HazelcastClusterManager manager = new HazelcastClusterManager(config);
    Vertx vertx = Vertx.builder()
        .with(new VertxOptions().setEventBusOptions(new EventBusOptions().setHost(host)))
        .withClusterManager(manager)
        .buildClustered().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    try {
      long servers = manager.getHazelcastInstance().getCluster().getMembers().stream()
          .filter(m -> !m.isLiteMember()).count();
      String replyTo = "flush-publisher.reply." + UUID.randomUUID();
      JsonArray nodes = new JsonArray();
      CompletableFuture<Void> all = new CompletableFuture<>();
      MessageConsumer<JsonObject> replies = vertx.eventBus().consumer(replyTo, msg -> {
        synchronized (nodes) {
          nodes.add(msg.body());
          if (nodes.size() >= servers) {
            all.complete(null);
          }
        }
      });
      replies.completion().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      // each node waits up to answerWithinMs for its clients, then answers
      vertx.eventBus().publish(ServerBus.FLUSH_ALL, new JsonObject().put("replyTo", replyTo)
          .put(ServerBus.FLUSH_ANSWER_WITHIN_MS, timeout.toMillis() * 3 / 4));
      try {
        all.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.TimeoutException stillMissing) {
        // report what came
      }
      JsonObject summary = new JsonObject().put("nodesInCluster", servers);
      long asked = 0;
      long answered = 0;
      long lines = 0;
      synchronized (nodes) {
        for (int i = 0; i < nodes.size(); i++) {
          JsonObject n = nodes.getJsonObject(i);
          asked += n.getLong("clientsAsked", 0L);
          answered += n.getLong("clientsAnswered", 0L);
          lines += n.getLong("linesSent", 0L);
        }
        summary.put("nodesAnswered", nodes.size()).put("clientsAsked", asked).put("clientsAnswered", answered)
            .put("linesSent", lines).put("nodes", nodes.copy());
      }
      System.out.println(summary.encode());
      return summary.getInteger("nodesAnswered") >= servers ? 0 : 1;
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }
}
