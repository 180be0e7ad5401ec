package io.outflux.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** The JVM options bin/outflux gives a role: {@code CLIENT_JAVA_OPTS} / {@code SERVER_JAVA_OPTS} of conf/outflux.defaults. */
public final class ProductJvm {

  private ProductJvm() {
  }

  /** @param role {@code client} or {@code server} */
  public static List<String> options(String role) throws IOException {
    String key = role.toUpperCase(Locale.ROOT) + "_JAVA_OPTS=";
    String opts = "";
    for (String line : Files.readAllLines(Path.of("conf/outflux.defaults"))) {
      if (line.startsWith(key)) {
        opts = line.substring(key.length()).replace("\"", "").trim();
      }
    }
    return opts.isBlank() ? List.of() : List.of(opts.split("\\s+"));
  }
}
