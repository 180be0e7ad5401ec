package io.outflux.spool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The spool's files in the order they were written: the rotated archives, oldest first, then the
 * active file. Archive names outflux knows:
 *
 * <ul>
 *   <li>Telegraf's {@code outputs.file} (internal/rotate) renames the active file {@code <stem><ext>}
 *       to {@code <stem>.<YYYY-MM-DD>-<unix seconds><ext>}, where {@code <ext>} is Go's
 *       {@code filepath.Ext} (from the last dot of the name); ordered by the seconds in the name.
 *   <li>logrotate (with {@code copytruncate} or {@code create}): {@code <name>.<N>} (higher N is
 *       older) and, with {@code dateext}, {@code <name>-<YYYYMMDD>} (optionally more digits, e.g.
 *       {@code -%Y%m%d-%s}); ordered by their modification time (the copy's or the rename's moment),
 *       then by N.
 * </ul>
 *
 * Compressed copies ({@code <archive>.gz} etc.) are recognised but not read: outflux cannot seek in
 * them, so they are {@link Kind#COMPRESSED}, reported as files it cannot account for
 * ({@link UnaccountedFiles}). Blocking (directory listing, stat): use a worker.
 */
final class SpoolFiles {

  /** One file of the spool; {@code rotatedAt} orders archives (unix seconds), MAX_VALUE for the active file. */
  record SpoolFile(Path path, FileId id, boolean active, long rotatedAt) {
  }

  /** What a name in the spool directory is to the client. */
  enum Kind {
    /** The spool itself. */
    ACTIVE,
    /** An archive outflux reads and, once synced, deletes. */
    ARCHIVE,
    /** A compressed copy of the spool or of an archive: not read, reported. */
    COMPRESSED,
    /** Looks like the spool's (its stem, then a separator), but no name outflux knows: not read, reported. */
    UNKNOWN,
    /** Not the spool's business (another file in the directory). */
    UNRELATED
  }

  /** File name endings of compressed copies (logrotate's compress, or by hand). */
  private static final Pattern COMPRESSED_EXT = Pattern.compile("(.+)\\.(gz|xz|bz2|zst|lz4|lzo|Z|zip|br)");

  private final Path spool;
  private final Path dir;
  private final String name;
  private final String stem;
  private final Pattern telegrafName;
  private final Pattern numberedName;
  private final Pattern datedName;
  /** Names of the client's own files in the directory (the checkpoint, the dead-letter file); their siblings start with them. */
  private final Set<String> own;

  SpoolFiles(Path spool) {
    this(spool, Set.of());
  }

  SpoolFiles(Path spool, Set<String> own) {
    this.own = Set.copyOf(own);
    this.spool = spool.toAbsolutePath();
    this.dir = this.spool.getParent();
    this.name = this.spool.getFileName().toString();
    int dot = name.lastIndexOf('.');
    this.stem = dot <= 0 ? name : name.substring(0, dot);
    String ext = dot <= 0 ? "" : name.substring(dot);
    this.telegrafName = Pattern.compile(Pattern.quote(stem) + "\\.\\d{4}-\\d{2}-\\d{2}-(\\d{1,19})" + Pattern.quote(ext));
    this.numberedName = Pattern.compile(Pattern.quote(name) + "\\.(\\d{1,9})");
    this.datedName = Pattern.compile(Pattern.quote(name) + "-\\d{8,14}(?:-\\d{1,19})?");
  }

  Path spool() {
    return spool;
  }

  Path dir() {
    return dir;
  }

  /** Whether {@code fileName} is an archive name outflux reads for this spool (Telegraf's or logrotate's). */
  boolean isArchiveName(String fileName) {
    return telegrafName.matcher(fileName).matches() || numberedName.matcher(fileName).matches()
        || datedName.matcher(fileName).matches();
  }

  /** The client's own files' names: the checkpoint's and the dead-letter file's. */
  static Set<String> ownNames(SpoolConfig config) {
    return Set.of(config.checkpoint().getFileName().toString(), config.deadLetter().getFileName().toString());
  }

  /** What {@code fileName}, a name in the spool directory, is. */
  Kind kind(String fileName) {
    if (fileName.equals(name)) {
      return Kind.ACTIVE;
    }
    if (own.stream().anyMatch(fileName::startsWith)) {
      return Kind.UNRELATED; // the checkpoint, the dead-letter file and their siblings (.stamps, .tmp, ...)
    }
    if (isArchiveName(fileName)) {
      return Kind.ARCHIVE;
    }
    if (!fileName.startsWith(stem) || fileName.length() == stem.length()
        || ".-_~".indexOf(fileName.charAt(stem.length())) < 0) {
      return Kind.UNRELATED;
    }
    Matcher c = COMPRESSED_EXT.matcher(fileName);
    if (c.matches() && (c.group(1).equals(name) || isArchiveName(c.group(1)))) {
      return Kind.COMPRESSED;
    }
    return Kind.UNKNOWN;
  }

  /** Whether {@code fileName} is compressed with gzip (so its content can be read as a stream). */
  static boolean gzipped(String fileName) {
    return fileName.toLowerCase(Locale.ROOT).endsWith(".gz");
  }

  /** Archives oldest first, then the active file if it exists. Files that vanish meanwhile are left out. */
  List<SpoolFile> scan() {
    List<SpoolFile> files = new ArrayList<>();
    List<Long> ranks = new ArrayList<>();
    try (Stream<Path> entries = Files.list(dir)) {
      for (Path p : (Iterable<Path>) entries::iterator) {
        String fileName = p.getFileName().toString();
        long rotatedAt;
        Matcher t = telegrafName.matcher(fileName);
        Matcher n = numberedName.matcher(fileName);
        if (t.matches()) {
          rotatedAt = parseSeconds(t.group(1));
        } else if (n.matches() || datedName.matcher(fileName).matches()) {
          rotatedAt = modifiedSeconds(p);
        } else {
          continue;
        }
        FileId id = FileId.ofOrNull(p);
        if (id != null && rotatedAt >= 0) {
          files.add(new SpoolFile(p, id, false, rotatedAt));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the spool directory " + dir, e);
    }
    // same second: logrotate's higher number is the older copy
    files.sort(Comparator.comparingLong(SpoolFile::rotatedAt).thenComparingLong(this::olderFirst)
        .thenComparing(f -> f.path().getFileName().toString()));
    FileId active = FileId.ofOrNull(spool);
    if (active != null) {
      files.add(new SpoolFile(spool, active, true, Long.MAX_VALUE));
    }
    return files;
  }

  /** The names in the spool directory (blocking). */
  List<Path> list() {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the spool directory " + dir, e);
    }
  }

  private long olderFirst(SpoolFile f) {
    Matcher n = numberedName.matcher(f.path().getFileName().toString());
    return n.matches() ? -Long.parseLong(n.group(1)) : 0;
  }

  private static long modifiedSeconds(Path p) {
    try {
      return Files.getLastModifiedTime(p).toMillis() / 1000;
    } catch (IOException e) {
      return -1; // gone meanwhile
    }
  }

  private static long parseSeconds(String digits) {
    try {
      return Long.parseLong(digits);
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE - 1;
    }
  }
}
