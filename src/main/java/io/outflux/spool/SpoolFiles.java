package io.outflux.spool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The spool's files in the order they were written: Telegraf's rotated archives, oldest first,
 * then the active file. Telegraf's {@code outputs.file} (internal/rotate) renames the active file
 * {@code <stem><ext>} to {@code <stem>.<YYYY-MM-DD>-<unix seconds><ext>}, where {@code <ext>} is
 * Go's {@code filepath.Ext} (from the last dot of the name), and opens a new one. Archives are
 * ordered by the unix seconds in their name. Blocking (directory listing, stat): use a worker.
 */
final class SpoolFiles {

  /** One file of the spool; {@code rotatedAt} is the archive's unix seconds, MAX_VALUE for the active file. */
  record SpoolFile(Path path, FileId id, boolean active, long rotatedAt) {
  }

  private final Path spool;
  private final Path dir;
  private final Pattern archiveName;

  SpoolFiles(Path spool) {
    this.spool = spool.toAbsolutePath();
    this.dir = this.spool.getParent();
    String name = this.spool.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String stem = dot < 0 ? name : name.substring(0, dot);
    String ext = dot < 0 ? "" : name.substring(dot);
    this.archiveName = Pattern.compile(Pattern.quote(stem) + "\\.\\d{4}-\\d{2}-\\d{2}-(\\d{1,19})" + Pattern.quote(ext));
  }

  Path spool() {
    return spool;
  }

  /** Whether {@code fileName} is one of Telegraf's archive names for this spool. */
  boolean isArchiveName(String fileName) {
    return archiveName.matcher(fileName).matches();
  }

  /** Archives oldest first, then the active file if it exists. Files that vanish meanwhile are left out. */
  List<SpoolFile> scan() {
    List<SpoolFile> files = new ArrayList<>();
    try (Stream<Path> entries = Files.list(dir)) {
      for (Path p : (Iterable<Path>) entries::iterator) {
        Matcher m = archiveName.matcher(p.getFileName().toString());
        if (m.matches()) {
          FileId id = FileId.ofOrNull(p);
          if (id != null) {
            files.add(new SpoolFile(p, id, false, parseSeconds(m.group(1))));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the spool directory " + dir, e);
    }
    files.sort(Comparator.comparingLong(SpoolFile::rotatedAt).thenComparing(f -> f.path().getFileName().toString()));
    FileId active = FileId.ofOrNull(spool);
    if (active != null) {
      files.add(new SpoolFile(spool, active, true, Long.MAX_VALUE));
    }
    return files;
  }

  private static long parseSeconds(String digits) {
    try {
      return Long.parseLong(digits);
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE - 1;
    }
  }
}
