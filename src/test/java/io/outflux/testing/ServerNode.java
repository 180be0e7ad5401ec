package io.outflux.testing;

import io.outflux.demo.ChildJvm;
import io.outflux.influxd.FreePorts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * An outflux server node as its own JVM, started from target/outflux.jar with {@code -cluster} as a
 * user would, with a Hazelcast config derived from conf/cluster.xml: its own cluster name (so
 * parallel test runs never join each other) and explicit loopback member ports.
 */
public final class ServerNode implements AutoCloseable {

  public final String name;
  public final int httpPort;
  public final Path log;
  private final ChildJvm jvm;

  private ServerNode(String name, int httpPort, Path log, ChildJvm jvm) {
    this.name = name;
    this.httpPort = httpPort;
    this.log = log;
    this.jvm = jvm;
  }

  /** Member ports and a cluster name for a cluster of {@code size} nodes. */
  public record Cluster(String name, List<Integer> memberPorts) {

    public static Cluster of(int size) {
      List<Integer> ports = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        ports.add(FreePorts.next());
      }
      return new Cluster("outflux-it-" + UUID.randomUUID(), ports);
    }

    /** conf/cluster.xml with this cluster's name, member list and the given node's own port. */
    Path xmlFor(int index, Path dir) throws IOException {
      return xmlFor(index, memberPorts.get(index), dir);
    }

    /** The same for a program that joins on its own port, e.g. a lite member publishing on the event bus. */
    public Path xmlForGuest(int port, Path dir) throws IOException {
      return xmlFor(-1, port, dir);
    }

    private Path xmlFor(int index, int port, Path dir) throws IOException {
      String xml = Files.readString(Path.of("conf", "cluster.xml"));
      String members = memberPorts.stream().map(p -> "<member>127.0.0.1:" + p + "</member>")
          .collect(Collectors.joining("\n        "));
      xml = xml.replace("<cluster-name>outflux</cluster-name>", "<cluster-name>" + name + "</cluster-name>")
          .replace("<port auto-increment=\"true\" port-count=\"3\">5701</port>",
              "<port auto-increment=\"false\">" + port + "</port>")
          .replace("<member>127.0.0.1</member>", members);
      Path file = dir.resolve(index < 0 ? "cluster-guest-" + port + ".xml" : "cluster-" + index + ".xml");
      Files.writeString(file, xml);
      return file;
    }
  }

  public static ServerNode start(String name, Cluster cluster, int index, String influxUrl, Path dir)
      throws IOException {
    return start(name, cluster, index, influxUrl, dir, "");
  }

  /** @param clusterKeys more keys of the node's {@code cluster} section, e.g. {@code ,"expectedSize":3} */
  public static ServerNode start(String name, Cluster cluster, int index, String influxUrl, Path dir,
      String clusterKeys) throws IOException {
    int httpPort = FreePorts.next();
    String conf = "{\"http\":{\"host\":\"127.0.0.1\",\"port\":" + httpPort + "},"
        + "\"influx\":{\"url\":\"" + influxUrl + "\",\"timeout\":\"5s\"},"
        + "\"cluster\":{\"flushTimeout\":\"3s\"" + clusterKeys + "}}";
    Path confFile = dir.resolve(name + ".json");
    Files.writeString(confFile, conf);
    Path log = dir.resolve(name + ".log");
    ChildJvm jvm = ChildJvm.start(name, jar(), log,
        List.of("-Xmx256m", "-Dvertx.hazelcast.config=" + cluster.xmlFor(index, dir)),
        "server", "-cluster", "-cluster-host", "127.0.0.1", "-conf", confFile.toString());
    return new ServerNode(name, httpPort, log, jvm);
  }

  public static Path jar() {
    String jar = System.getProperty("outflux.jar", "target/outflux.jar");
    Path path = Path.of(jar);
    if (!Files.isRegularFile(path)) {
      throw new IllegalStateException(path + " not found: run mvn -B package -DskipTests first");
    }
    return path;
  }

  public String url() {
    return "http://127.0.0.1:" + httpPort;
  }

  public void awaitHealthy(Duration timeout) throws InterruptedException {
    try {
      jvm.awaitHttp(url() + "/health", timeout);
    } catch (IllegalStateException e) {
      throw new IllegalStateException(e.getMessage() + ":\n" + logText(), e);
    }
  }

  public String logText() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  public boolean isAlive() {
    return jvm.isAlive();
  }

  /** SIGKILL: no shutdown hook, no goodbye to the cluster. */
  public void kill9() throws InterruptedException {
    jvm.kill9();
  }

  /** SIGSTOP: the JVM freezes, its sockets stay open (a hung node, a long GC pause, a stalled VM). */
  public void freeze() throws IOException, InterruptedException {
    signal("STOP");
  }

  /** SIGCONT after {@link #freeze()}. */
  public void thaw() throws IOException, InterruptedException {
    signal("CONT");
  }

  private void signal(String name) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(jvm.pid())).inheritIO().start();
    if (kill.waitFor() != 0) {
      throw new IOException("kill -" + name + " " + jvm.pid() + " failed");
    }
  }

  @Override
  public void close() {
    try {
      thaw(); // a frozen JVM does not run its shutdown hook
    } catch (IOException | InterruptedException ignored) {
      // gone already
    }
    jvm.close();
  }
}
