package io.outflux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlushCommandTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return FlushCommand.run(List.of(args), Map.of(), new PrintStream(out, true), new PrintStream(err, true));
  }

  @Test
  void anUnknownArgumentIsAUsageError() {
    assertEquals(FlushCommand.EXIT_USAGE, run("--tiemout", "5s"));
    assertTrue(err.toString().contains("Unknown options: '--tiemout'"), err.toString());
  }

  @Test
  void aBadTimeoutIsAUsageError() {
    assertEquals(FlushCommand.EXIT_USAGE, run("--timeout", "soon"));
  }

  @Test
  void aMissingConfigIsAConfigErrorNamingTheFile() {
    assertEquals(FlushCommand.EXIT_USAGE, run("--conf", "/nonexistent/client.json"));
    assertTrue(err.toString().contains("/nonexistent/client.json"), err.toString());
  }

  @Test
  void aClientThatIsNotRunningIsReportedAsSuch(@TempDir Path dir) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    io.vertx.core.json.JsonObject json = new io.vertx.core.json.JsonObject(Files.readString(Path.of("conf/client.json")));
    json.getJsonObject("admin").put("port", port);
    Path file = Files.writeString(dir.resolve("c.json"), json.encodePrettily());
    assertEquals(FlushCommand.EXIT_NO_CLIENT, run("--conf=" + file, "--timeout=1s"));
    assertTrue(err.toString().contains("is the client running"), err.toString());
  }
}
