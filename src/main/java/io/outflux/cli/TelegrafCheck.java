package io.outflux.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Telegraf side of the dual write, as far as {@code outflux check} can see it: the
 * {@code [[outputs.file]]} section that writes the spool. Telegraf's default
 * {@code rotation_max_archives} default deletes rotated archives that outflux may
 * not have synced yet, and any format but {@code influx} fills the dead-letter file. A small reader
 * of the few TOML keys involved, not a TOML parser.
 */
final class TelegrafCheck {

  static final List<Path> DEFAULT_FILES = List.of(Path.of("/etc/telegraf/telegraf.conf"));
  static final Path DEFAULT_DIR = Path.of("/etc/telegraf/telegraf.d");

  private static final Pattern SECTION = Pattern.compile("(?m)^\\s*\\[\\[?([A-Za-z0-9_.]+)\\]\\]?\\s*$");
  private static final Pattern FILES = Pattern.compile("(?ms)^\\s*files\\s*=\\s*\\[(.*?)\\]");
  private static final Pattern QUOTED = Pattern.compile("\"([^\"]*)\"|'([^']*)'");

  private TelegrafCheck() {
  }

  /** A {@code [[outputs.file]]} section: its text and the files it writes. */
  record FileOutput(Path config, String body, List<String> files) {

    String value(String key) {
      Matcher m = Pattern.compile("(?m)^\\s*" + key + "\\s*=\\s*(\"[^\"]*\"|'[^']*'|-?\\d+)").matcher(body);
      return m.find() ? m.group(1).replaceAll("^[\"']|[\"']$", "") : null;
    }
  }

  /** The Telegraf configs to read: the given ones, or the standard places when they exist. */
  static List<Path> configs(List<Path> given) {
    if (given != null && !given.isEmpty()) {
      return given;
    }
    List<Path> found = new ArrayList<>();
    DEFAULT_FILES.stream().filter(Files::isRegularFile).forEach(found::add);
    if (Files.isDirectory(DEFAULT_DIR)) {
      try (Stream<Path> s = Files.list(DEFAULT_DIR)) {
        s.filter(p -> p.toString().endsWith(".conf")).sorted().forEach(found::add);
      } catch (IOException e) {
        // unreadable: reported as not found below
      }
    }
    return found;
  }

  static List<FileOutput> fileOutputs(Path config) throws IOException {
    String text = Files.readString(config).replaceAll("(?m)#.*$", "");
    List<FileOutput> out = new ArrayList<>();
    Matcher m = SECTION.matcher(text);
    List<int[]> bounds = new ArrayList<>();
    List<String> names = new ArrayList<>();
    while (m.find()) {
      bounds.add(new int[] {m.start(), m.end()});
      names.add(m.group(1));
    }
    for (int i = 0; i < bounds.size(); i++) {
      if (!names.get(i).equals("outputs.file")) {
        continue;
      }
      int end = i + 1 < bounds.size() ? bounds.get(i + 1)[0] : text.length();
      String body = text.substring(bounds.get(i)[1], end);
      List<String> files = new ArrayList<>();
      Matcher f = FILES.matcher(body);
      if (f.find()) {
        Matcher q = QUOTED.matcher(f.group(1));
        while (q.find()) {
          files.add(q.group(1) != null ? q.group(1) : q.group(2));
        }
      }
      out.add(new FileOutput(config, body, files));
    }
    return out;
  }

  static void run(CheckReport report, List<Path> given, Path spool) {
    List<Path> configs = configs(given);
    if (configs.isEmpty()) {
      report.warn("telegraf", "no Telegraf config found (/etc/telegraf/telegraf.conf, telegraf.d/; --telegraf FILE "
          + "names one): its [[outputs.file]] settings are not checked (see conf/telegraf.conf)");
      return;
    }
    List<FileOutput> writing = new ArrayList<>();
    for (Path config : configs) {
      try {
        fileOutputs(config).stream().filter(o -> o.files().stream().anyMatch(f -> Path.of(f).toAbsolutePath()
            .normalize().equals(spool.toAbsolutePath().normalize()))).forEach(writing::add);
      } catch (IOException e) {
        report.warn("telegraf", "cannot read " + config + ": " + e.getMessage());
      }
    }
    if (writing.isEmpty()) {
      report.warn("telegraf", "no [[outputs.file]] in " + configs + " writes " + spool + ": outflux syncs only what "
          + "Telegraf appends there (see conf/telegraf.conf)");
      return;
    }
    for (FileOutput o : writing) {
      String where = o.config() + " [[outputs.file]] " + spool;
      String format = o.value("data_format");
      if (format != null && !format.equals("influx")) {
        report.fail("telegraf", where + ": data_format = \"" + format + "\"; outflux reads line protocol: set "
            + "data_format = \"influx\"");
      }
      String archives = o.value("rotation_max_archives");
      String interval = o.value("rotation_interval");
      String maxSize = o.value("rotation_max_size");
      boolean rotates = interval != null || maxSize != null;
      if (rotates && (archives == null || !archives.equals("-1"))) {
        String setting = archives == null ? "(not set: Telegraf's default)" : archives;
        report.warn("telegraf", where + ": rotation_max_archives = " + setting + " lets Telegraf delete rotated archives before outflux has synced them (lost lines): set "
            + "rotation_max_archives = -1; outflux deletes archives once they are synced");
      } else {
        report.ok("telegraf", where + ": data_format influx, " + (rotates ? "archives kept until synced"
            : "no rotation (outflux punches the synced prefix out of the file)"));
      }
    }
  }
}
