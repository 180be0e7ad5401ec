package io.outflux.influxd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * influxd ignores unknown config keys without a word, so a misspelt key would silently leave a
 * default on (e.g. usage reporting, the _internal monitor database). `influxd config -config FILE`
 * prints the effective configuration; check that every setting we write is picked up.
 */
class InfluxdConfigIT {

  @TempDir Path tmp;

  @Test
  void everyGeneratedSettingIsEffective() throws Exception {
    InfluxdConfig cfg = new InfluxdConfig(tmp, 18186, 18188, true);
    cfg.write();
    Map<String, String> effective = effectiveConfig(cfg.file());

    assertEquals("false", effective.get("reporting-enabled"));
    assertEquals("\"127.0.0.1:18188\"", effective.get("bind-address"));
    assertEquals(quoted(tmp.resolve("meta")), effective.get("meta.dir"));
    assertEquals(quoted(tmp.resolve("data")), effective.get("data.dir"));
    assertEquals(quoted(tmp.resolve("wal")), effective.get("data.wal-dir"));
    assertEquals("false", effective.get("data.query-log-enabled"));
    assertEquals("\"127.0.0.1:18186\"", effective.get("http.bind-address"));
    assertEquals("true", effective.get("http.auth-enabled"));
    assertEquals("false", effective.get("http.log-enabled"));
    assertEquals("false", effective.get("http.pprof-enabled"));
    assertEquals("false", effective.get("monitor.store-enabled"));
    assertEquals("false", effective.get("continuous_queries.enabled"));
    assertEquals("false", effective.get("subscriber.enabled"));
    assertEquals("true", effective.get("logging.suppress-logo"));
  }

  private static String quoted(Path p) {
    return "\"" + p + "\"";
  }

  /** "section.key" -> value from `influxd config`; [[array]] sections are skipped. */
  private static Map<String, String> effectiveConfig(Path file) throws IOException, InterruptedException {
    Path influxd = InfluxdLocator.locate(null);
    Process p = new ProcessBuilder(influxd.toString(), "config", "-config", file.toString())
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(10, TimeUnit.SECONDS);
    assertEquals(0, p.exitValue(), out);

    Map<String, String> values = new HashMap<>();
    String section = "";
    for (String raw : out.split("\n")) {
      String line = raw.strip();
      if (line.startsWith("[[")) {
        section = null;
      } else if (line.startsWith("[")) {
        section = line.substring(1, line.length() - 1) + ".";
      } else if (section != null && line.contains(" = ")) {
        int eq = line.indexOf(" = ");
        values.put(section + line.substring(0, eq), line.substring(eq + 3));
      }
    }
    return values;
  }
}
