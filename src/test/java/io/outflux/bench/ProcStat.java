package io.outflux.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

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
