package io.outflux.spool;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What the client needs of its files before it starts, tried for real (permission bits lie for root
 * and on read-only mounts): the spool directory can be listed and the spool file, if there, read; the
 * checkpoint and dead-letter locations can be written. Used by the launcher (one line, exit 2) and by
 * {@code outflux check}. Blocking: run it before Vert.x starts or on a worker.
 */
public final class SpoolPathChecks {

  /** One location that does not work: the config key, the path, and a sentence naming the path and why. */
  public record Problem(String key, Path path, String reason) {
  }

  private SpoolPathChecks() {
  }

  public static List<Problem> run(SpoolConfig config) {
    List<Problem> problems = new ArrayList<>();
    readable(config.path()).ifPresent(problems::add);
    writable("spool.checkpoint", config.checkpoint()).ifPresent(problems::add);
    writable("spool.deadLetter", config.deadLetter()).ifPresent(problems::add);
    return problems;
  }

  /** The spool's directory can be listed, and the spool file, when it exists, read. */
  public static Optional<Problem> readable(Path spool) {
    Path dir = spool.toAbsolutePath().getParent();
    if (!Files.isDirectory(dir)) {
      return Optional.of(new Problem("spool.path", dir, "the directory " + dir + " does not exist: create it (Telegraf writes "
          + "the spool there) or fix spool.path"));
    }
    try (var list = Files.list(dir)) {
      list.findFirst();
    } catch (IOException e) {
      return Optional.of(new Problem("spool.path", dir, "the directory " + dir + " cannot be listed (" + reason(e) + ")"));
    }
    if (Files.exists(spool)) {
      try (FileChannel ignored = FileChannel.open(spool, StandardOpenOption.READ)) {
        return Optional.empty();
      } catch (IOException e) {
        return Optional.of(new Problem("spool.path", spool, spool + " cannot be read (" + reason(e) + "): give the outflux "
            + "user Telegraf's group"));
      }
    }
    return Optional.empty();
  }

  /** {@code file} can be rewritten if it exists, else created in its directory (a temporary file is tried). */
  public static Optional<Problem> writable(String key, Path file) {
    Path dir = file.toAbsolutePath().getParent();
    if (Files.exists(file)) {
      try (FileChannel ignored = FileChannel.open(file, StandardOpenOption.WRITE)) {
        return Optional.empty();
      } catch (IOException e) {
        return Optional.of(new Problem(key, file, file + " is not writable (" + reason(e) + "): fix its owner or mode, or "
            + key));
      }
    }
    if (dir == null || !Files.isDirectory(dir)) {
      return Optional.of(new Problem(key, dir, "the directory " + dir + " does not exist: create it or fix " + key));
    }
    try {
      Path probe = Files.createTempFile(dir, ".outflux-check", ".tmp");
      Files.delete(probe);
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of(new Problem(key, dir, "cannot create files in " + dir + " (" + reason(e) + "): make it "
          + "writable by the outflux user or fix " + key));
    }
  }

  /** "permission denied", "read-only file system", "no space left on device", ... rather than an exception name. */
  public static String reason(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof NoSuchFileException) {
      return "no such file or directory";
    }
    String m = e instanceof FileSystemException fs && fs.getReason() != null ? fs.getReason() : e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m.toLowerCase(Locale.ROOT);
  }
}
