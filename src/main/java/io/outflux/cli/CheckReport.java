package io.outflux.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The lines {@code outflux check} prints, one per check, and the exit status they add up to. */
final class CheckReport {

  enum Level { OK, WARN, FAIL }

  record Line(Level level, String subject, String text) {
  }

  private final List<Line> lines = new ArrayList<>();
  private final PrintStream out;

  CheckReport(PrintStream out) {
    this.out = out;
  }

  void ok(String subject, String text) {
    add(Level.OK, subject, text);
  }

  void warn(String subject, String text) {
    add(Level.WARN, subject, text);
  }

  void fail(String subject, String text) {
    add(Level.FAIL, subject, text);
  }

  /** Printed as it happens, so a slow network check shows what was done before it. */
  private void add(Level level, String subject, String text) {
    Line line = new Line(level, subject, text);
    lines.add(line);
    out.printf(Locale.ROOT, "%-4s  %-16s %s%n", level, subject, text);
    out.flush();
  }

  List<Line> lines() {
    return lines;
  }

  boolean failed() {
    return lines.stream().anyMatch(l -> l.level() == Level.FAIL);
  }

  /** 2 when a check failed, 1 with warnings only, 0 when all is well. */
  int exitCode() {
    if (failed()) {
      return CheckCommand.EXIT_FAIL;
    }
    return lines.stream().anyMatch(l -> l.level() == Level.WARN) ? CheckCommand.EXIT_WARN : CheckCommand.EXIT_OK;
  }

  String summary() {
    long fail = lines.stream().filter(l -> l.level() == Level.FAIL).count();
    long warn = lines.stream().filter(l -> l.level() == Level.WARN).count();
    return lines.size() + " checks: " + (lines.size() - fail - warn) + " OK, " + warn + " WARN, " + fail + " FAIL";
  }
}
