package io.outflux.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Every process a test started with one launch: the process, its descendants, and the helpers that
 * left the tree. A program like chromium double-forks daemons (its crashpad handlers) that are
 * reparented to init, so {@link ProcessHandle#descendants()} never sees them and killing the tree
 * leaves them running. Each launch therefore carries an environment mark that every process it
 * spawns inherits; {@link #members()} is the tree plus every process with the mark (read from
 * {@code /proc/<pid>/environ}). The mark names the JVM that started it, so {@link #killOrphans}
 * can clean up after a test JVM that was killed before it could stop its processes.
 */
final class ProcessTree {

  static final String MARK = "OUTFLUX_TEST_PROCESS_TREE";
  private static final Duration EXIT_POLL = Duration.ofMillis(50);

  private final String mark;
  private final Process process;

  private ProcessTree(String mark, Process process) {
    this.mark = mark;
    this.process = process;
  }

  /** Starts {@code builder} with this JVM's mark in its environment. */
  static ProcessTree start(ProcessBuilder builder) throws IOException {
    String mark = ProcessHandle.current().pid() + "/" + UUID.randomUUID();
    builder.environment().put(MARK, mark);
    return new ProcessTree(mark, builder.start());
  }

  Process process() {
    return process;
  }

  /** The launched process (while alive), its descendants, and every process carrying this launch's mark. */
  List<ProcessHandle> members() {
    Map<Long, ProcessHandle> all = new LinkedHashMap<>();
    if (process.isAlive()) {
      all.put(process.pid(), process.toHandle());
    }
    process.descendants().forEach(p -> all.put(p.pid(), p));
    ProcessHandle.allProcesses().filter(p -> markOf(p).filter(mark::equals).isPresent())
        .forEach(p -> all.put(p.pid(), p));
    return new ArrayList<>(all.values());
  }

  /**
   * SIGKILLs every member until none is left, and waits for them to be gone: the program gets no
   * say, and a helper spawned while we kill is found by the next round.
   *
   * @throws IllegalStateException naming the processes still there after {@code timeout}
   */
  void kill(Duration timeout) {
    // every process seen, until the kernel has reaped it: a killed orphan stays a zombie until init collects it
    Map<Long, ProcessHandle> seen = new LinkedHashMap<>();
    try {
      await("every process of " + process.pid() + " gone").atMost(timeout).pollInterval(EXIT_POLL)
          .until(() -> {
            members().forEach(p -> seen.putIfAbsent(p.pid(), p));
            List<ProcessHandle> left = seen.values().stream().filter(ProcessHandle::isAlive).toList();
            left.forEach(ProcessHandle::destroyForcibly);
            return left.isEmpty();
          });
    } catch (ConditionTimeoutException e) {
      throw new IllegalStateException("processes of " + process.pid() + " still there "
          + timeout.toSeconds() + " s after SIGKILL:\n" + seen.values().stream().filter(ProcessHandle::isAlive)
          .map(ProcessTree::line).collect(Collectors.joining("\n")), e);
    }
  }

  /** One line per member: pid, parent, state, what it waits in (wchan) and its command; for failure messages. */
  String describe() {
    List<ProcessHandle> members = members();
    if (members.isEmpty()) {
      return "  (no process left)";
    }
    return members.stream().sorted(Comparator.comparingLong(ProcessHandle::pid))
        .map(ProcessTree::line).collect(Collectors.joining("\n"));
  }

  /** How the launched process ended, or that it is still running. */
  String exitState() {
    if (process.isAlive()) {
      return "process " + process.pid() + " is still running";
    }
    int status = process.exitValue();
    // Java reports a death by signal N as 128 + N
    return "process " + process.pid() + " exited with status " + status
        + (status > 128 ? " (killed by signal " + (status - 128) + ")" : "");
  }

  /**
   * Kills processes marked by a JVM that no longer runs: the leftovers of a test JVM that was killed
   * (a Failsafe timeout, Ctrl-C) before it could stop what it started. A live JVM's processes are left alone.
   */
  static void killOrphans() {
    List<ProcessHandle> orphans = ProcessHandle.allProcesses()
        .filter(p -> markOf(p).map(ProcessTree::owner).filter(owner -> ProcessHandle.of(owner).isEmpty()).isPresent())
        .toList();
    orphans.forEach(ProcessHandle::destroyForcibly);
    try {
      await("orphaned test processes gone").atMost(Duration.ofSeconds(10)).pollInterval(EXIT_POLL)
          .until(() -> orphans.stream().noneMatch(ProcessHandle::isAlive));
    } catch (ConditionTimeoutException e) {
      throw new IllegalStateException("orphaned test processes survive SIGKILL: "
          + orphans.stream().map(ProcessTree::line).collect(Collectors.joining("\n")), e);
    }
  }

  /** The pid of the JVM that made {@code mark}. */
  private static long owner(String mark) {
    return Long.parseLong(mark.substring(0, mark.indexOf('/')));
  }

  /** The mark in a process's environment; empty for unmarked, vanished or unreadable processes. */
  private static Optional<String> markOf(ProcessHandle p) {
    byte[] environ;
    try {
      environ = Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "environ"));
    } catch (IOException | SecurityException e) {
      return Optional.empty();
    }
    String prefix = MARK + "=";
    return Stream.of(new String(environ, StandardCharsets.UTF_8).split("\0"))
        .filter(v -> v.startsWith(prefix)).map(v -> v.substring(prefix.length())).findFirst();
  }

  private static String line(ProcessHandle p) {
    String pid = Long.toString(p.pid());
    String stat = read("/proc/" + pid + "/stat");
    // stat is "pid (comm) state ppid ...": comm may hold spaces, so split after its closing parenthesis
    String[] fields = stat.substring(stat.lastIndexOf(')') + 1).trim().split(" ");
    String state = fields.length > 1 ? fields[0] + " ppid " + fields[1] : "?";
    String command = p.info().commandLine().orElse(read("/proc/" + pid + "/comm"));
    return "  " + pid + " " + state + " wchan " + read("/proc/" + pid + "/wchan") + ": "
        + (command.length() > 160 ? command.substring(0, 160) + "..." : command);
  }

  private static String read(String file) {
    try {
      return Files.readString(Path.of(file)).trim();
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }
}
