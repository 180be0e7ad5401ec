package io.outflux.spool;

import io.outflux.spool.SpoolFiles.Kind;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Files in the spool directory that look like the spool's (its stem, then a separator) but that the
 * client cannot account for: compressed copies (it cannot seek in them) and names it does not know.
 * It neither reads nor deletes them, so lines in them may never be synced: each is named once in
 * the log (why it is kept, what the operator can do), counted in a gauge and listed in the status
 * until it is gone. Scanning is blocking (a worker); the report is thread-safe.
 */
final class UnaccountedFiles {

  private static final Logger log = LoggerFactory.getLogger(SpoolTailVerticle.class);
  /** New files named per scan; the rest are summed up in one line (status lists them all). */
  static final int WARN_PER_SCAN = 5;

  /** One such file, its size and why the client leaves it alone. */
  record Unaccounted(String file, FileId id, long bytes, String why) {
    JsonObject toJson() {
      return new JsonObject().put("file", file).put("bytes", bytes).put("why", why);
    }
  }

  private final SpoolFiles files;
  /** Names and inodes already named in the log: once per file. */
  private final Set<String> warned = new HashSet<>();
  private volatile JsonArray current = new JsonArray();

  private final io.outflux.client.ClientMeters meters;

  UnaccountedFiles(SpoolFiles files, io.outflux.client.ClientMeters meters) {
    this.meters = meters;
    this.files = files;
  }

  /** Blocking: the files the client cannot account for now. */
  List<Unaccounted> scan() {
    List<Unaccounted> out = new ArrayList<>();
    String spoolName = files.spool().getFileName().toString();
    for (Path p : files.list()) {
      String name = p.getFileName().toString();
      Kind kind = files.kind(name);
      if ((kind == Kind.COMPRESSED || kind == Kind.UNKNOWN) && Files.isRegularFile(p)) {
        FileId id = FileId.ofOrNull(p);
        if (id != null) {
          out.add(new Unaccounted(name, id, size(p), why(kind, name, spoolName)));
        }
      }
    }
    out.sort(java.util.Comparator.comparing(Unaccounted::file));
    return out;
  }

  /** Why a file of this kind is kept, and what the operator can do. */
  static String why(Kind kind, String name, String spoolName) {
    if (kind == Kind.COMPRESSED) {
      return "a compressed copy of the spool (logrotate's compress?): outflux cannot read through compression, so "
          + "it neither sends nor deletes it. Lines in it that were not synced before the copy are not sent: use "
          + "logrotate's delaycompress (outflux reads the plain copy " + spoolName + ".1 and deletes it once synced), "
          + "or send them yourself (e.g. zcat " + name + " >> " + spoolName + "; lines already synced overwrite "
          + "themselves in InfluxDB), then delete or move the file";
    }
    return "its name is neither the spool's nor an archive name outflux knows (Telegraf's <stem>.<YYYY-MM-DD>-<unix "
        + "seconds><ext>, logrotate's " + spoolName + ".N or " + spoolName + "-YYYYMMDD), so outflux neither reads "
        + "nor deletes it. If it is a copy of the spool with lines not synced, rename it to " + spoolName + ".1 "
        + "(read at the next start) or append it to " + spoolName + "; otherwise move it out of the spool directory";
  }

  /** Logs the files not named before (at most {@link #WARN_PER_SCAN} one by one), updates gauge and status. */
  synchronized void report(List<Unaccounted> now) {
    List<Unaccounted> fresh = new ArrayList<>();
    Set<String> present = new HashSet<>();
    for (Unaccounted u : now) {
      String key = key(u);
      present.add(key);
      if (!warned.contains(key)) {
        fresh.add(u);
        warned.add(key);
      }
    }
    warned.retainAll(present); // a file that comes back later is named again
    for (int i = 0; i < fresh.size() && i < WARN_PER_SCAN; i++) {
      Unaccounted u = fresh.get(i);
      log.warn("spool directory {}: {} ({} bytes) is left alone and not synced: {}", files.dir(), u.file(), u.bytes(),
          u.why());
    }
    if (fresh.size() > WARN_PER_SCAN) {
      log.warn("spool directory {}: {} more files the client cannot account for are left alone (outflux status lists "
          + "them)", files.dir(), fresh.size() - WARN_PER_SCAN);
    }
    JsonArray json = new JsonArray();
    now.forEach(u -> json.add(u.toJson()));
    current = json;
    meters.unaccountedFiles(now.size());
  }

  /** The files last found, for the status. */
  JsonArray status() {
    return current.copy();
  }

  private static String key(Unaccounted u) {
    return u.file() + "@" + u.id();
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return -1;
    }
  }
}
