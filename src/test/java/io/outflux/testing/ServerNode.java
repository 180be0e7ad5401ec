package io.outflux.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
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
  private final Process process;

  private ServerNode(String name, int httpPort, Path log, Process process) {
    this.name = name;
    this.httpPort = httpPort;
    this.log = log;
    this.process = process;
  }

  /** Member ports and a cluster name for a cluster of {@code size} nodes. */
  public record Cluster(String name, List<Integer> memberPorts) {

    public static Cluster of(int size) {
      List<Integer> ports = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        ports.add(freePort());
      }
      return new Cluster("outflux-it-" + UUID.randomUUID(), ports);
    }

    /** conf/cluster.xml with this cluster's name, member list and the given node's own port. */
    Path xmlFor(int index, Path dir) throws IOException {
      String xml = Files.readString(Path.of("conf", "cluster.xml"));
      String members = memberPorts.stream().map(p -> "<member>127.0.0.1:" + p + "</member>")
          .collect(Collectors.joining("\n        "));
      xml = xml.replace("<cluster-name>outflux</cluster-name>", "<cluster-name>" + name + "</cluster-name>")
          .replace("<port auto-increment=\"true\" port-count=\"3\">5701</port>",
              "<port auto-increment=\"false\">" + memberPorts.get(index) + "</port>")
          .replace("<member>127.0.0.1</member>", members);
      Path file = dir.resolve("cluster-" + index + ".xml");
      Files.writeString(file, xml);
      return file;
    }
  }

  public static ServerNode start(String name, Cluster cluster, int index, String influxUrl, Path dir)
      throws IOException {
    int httpPort = freePort();
    String conf = "{\"http\":{\"host\":\"127.0.0.1\",\"port\":" + httpPort + "},"
        + "\"influx\":{\"url\":\"" + influxUrl + "\",\"timeout\":\"5s\"},"
        + "\"cluster\":{\"flushTimeout\":\"3s\"}}";
    Path confFile = dir.resolve(name + ".json");
    Files.writeString(confFile, conf);
    List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-Dvertx.hazelcast.config=" + cluster.xmlFor(index, dir),
        "-jar", jar().toString(), "server", "-cluster", "-cluster-host", "127.0.0.1", "-conf", confFile.toString());
    Path log = dir.resolve(name + ".log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new ServerNode(name, httpPort, log, p);
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
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with status " + process.exitValue() + ":\n" + logText());
      }
      try {
        if (http.send(HttpRequest.newBuilder(URI.create(url() + "/health")).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(name + " not healthy within " + timeout + ":\n" + logText());
  }

  public String logText() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL: no shutdown hook, no goodbye to the cluster. */
  public void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
