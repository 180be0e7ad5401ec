package io.outflux.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/** CPU time and peak RSS of a process from /proc (Linux), for the cost-per-line figures of the benchmarks. */
final class ProcStat {

  /** Clock ticks per second of /proc/PID/stat's utime and stime (USER_HZ, 100 on every Linux we run on). */
  private static final double TICKS = 100.0;

  private ProcStat() {
  }

  /** User + system CPU seconds used so far by the process (all its threads), or 0 once it is gone. */
  static double cpuSeconds(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      // the command name (field 2) may hold spaces: count fields after its closing parenthesis
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // fields 3.. of the man page start at index 0 here: utime is field 14, stime field 15
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS;
    } catch (IOException | RuntimeException gone) {
      return 0;
    }
  }

  /** System (kernel) CPU seconds used so far by the process: socket and file I/O, page faults. */
  static double sysSeconds(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[12]) / TICKS;
    } catch (IOException | RuntimeException gone) {
      return 0;
    }
  }

  /** CPU seconds per live thread (by thread id), with the thread's name (Linux keeps its first 15 characters). */
  record ThreadCpu(String name, double seconds) {
  }

  static Map<Long, ThreadCpu> threads(long pid) {
    Map<Long, ThreadCpu> out = new HashMap<>();
    try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      tasks.forEach(t -> {
        try {
          String stat = Files.readString(t.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          out.put(Long.parseLong(t.getFileName().toString()),
              new ThreadCpu(name, (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS));
        } catch (IOException | RuntimeException gone) {
          // the thread ended meanwhile
        }
      });
    } catch (IOException | RuntimeException gone) {
      // the process ended
    }
    return out;
  }

  /**
   * Where a process spent its CPU between two {@link #threads} snapshots, by kind of thread (digits of
   * the names folded: "vert.x-eventloo", "C2 CompilerThre", "GC Thread#N", ...), largest first, as
   * shares of {@code total} (the process's CPU seconds over the same interval; threads that ended
   * in between show as "ended threads").
   */
  static String breakdown(Map<Long, ThreadCpu> before, Map<Long, ThreadCpu> after, double total) {
    Map<String, Double> byKind = new TreeMap<>();
    double seen = 0;
    for (var e : after.entrySet()) {
      ThreadCpu was = before.get(e.getKey());
      double used = e.getValue().seconds() - (was == null ? 0 : was.seconds());
      if (used > 0) {
        byKind.merge(e.getValue().name().replaceAll("[0-9]+", "N"), used, Double::sum);
        seen += used;
      }
    }
    if (total - seen > 0.01) {
      byKind.merge("ended threads", total - seen, Double::sum);
    }
    StringBuilder sb = new StringBuilder();
    byKind.entrySet().stream().sorted((a, b) -> Double.compare(b.getValue(), a.getValue()))
        .filter(e -> e.getValue() >= 0.01 * Math.max(total, 0.01))
        .forEach(e -> sb.append(sb.isEmpty() ? "" : ", ").append(e.getKey().trim()).append(' ')
            .append(Math.round(100 * e.getValue() / Math.max(total, 0.01))).append('%'));
    return sb.toString();
  }

  /** CPU seconds between two {@link #threads} snapshots of the threads whose name contains {@code part}. */
  static double seconds(Map<Long, ThreadCpu> before, Map<Long, ThreadCpu> after, String part) {
    double sum = 0;
    for (var e : after.entrySet()) {
      if (e.getValue().name().contains(part)) {
        ThreadCpu was = before.get(e.getKey());
        sum += Math.max(0, e.getValue().seconds() - (was == null ? 0 : was.seconds()));
      }
    }
    return sum;
  }

  /** Peak resident set size in MB (VmHWM), or 0 once the process is gone. */
  static double peakRssMb(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (IOException | RuntimeException gone) {
      // fall through
    }
    return 0;
  }
}
