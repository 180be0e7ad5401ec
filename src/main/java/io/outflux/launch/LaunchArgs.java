package io.outflux.launch;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the two things outflux needs from the Vert.x launcher's command line before the launcher
 * runs: the verticle name and the -conf value, so a bad config is reported before Vert.x starts.
 */
record LaunchArgs(Optional<String> verticle, Optional<String> conf, boolean help) {

  /** Launcher options that take a value (all spellings, compared case-insensitively). */
  private static final Set<String> WITH_VALUE = Set.of("-options", "--options", "-vertx-options", "--vertx-options",
      "-conf", "--conf", "-cluster-port", "--cluster-port", "-cluster-host", "--cluster-host",
      "-cluster-public-port", "--cluster-public-port", "-cluster-public-host", "--cluster-public-host",
      "-deployment-options", "--deployment-options", "-instances", "--instances");

  static LaunchArgs parse(List<String> args) {
    String verticle = null;
    String conf = null;
    boolean help = false;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      String lower = arg.toLowerCase(java.util.Locale.ROOT);
      int eq = arg.indexOf('=');
      String name = eq > 0 ? lower.substring(0, eq) : lower;
      if (name.equals("-h") || name.equals("-help") || name.equals("--help")) {
        help = true;
      } else if (WITH_VALUE.contains(name)) {
        String value = eq > 0 ? arg.substring(eq + 1) : (i + 1 < args.size() ? args.get(++i) : null);
        if (name.endsWith("conf")) {
          conf = value;
        }
      } else if (!arg.startsWith("-") && verticle == null) {
        verticle = arg;
      }
    }
    return new LaunchArgs(Optional.ofNullable(verticle), Optional.ofNullable(conf), help);
  }
}
