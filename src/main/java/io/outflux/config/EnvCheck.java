package io.outflux.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Finds {@code OUTFLUX_<ROLE>_*} environment variables that override no config key (a typo such as
 * {@code OUTFLUX_CLIENT_INFLUX_PASWORD} would otherwise be ignored silently) and names the closest
 * variable that does. The known names are the ones the config parser asked for: {@link #recording}
 * wraps the environment and remembers every name looked up.
 */
public final class EnvCheck {

  private EnvCheck() {
  }

  /** An environment that records the names looked up in it. */
  public static final class Recording extends HashMap<String, String> {
    private final Set<String> asked = new HashSet<>();

    Recording(Map<String, String> env) {
      super(env);
    }

    @Override
    public String get(Object key) {
      asked.add(String.valueOf(key));
      return super.get(key);
    }

    @Override
    public boolean containsKey(Object key) {
      asked.add(String.valueOf(key));
      return super.containsKey(key);
    }

    public Set<String> asked() {
      return asked;
    }
  }

  public static Recording recording(Map<String, String> env) {
    return new Recording(env);
  }

  /** One warning per variable of this role that no key reads, naming the closest one that is read. */
  public static List<String> unknown(String role, Map<String, String> env, Set<String> asked) {
    String prefix = "OUTFLUX_" + role.toUpperCase(Locale.ROOT) + "_";
    List<String> warnings = new ArrayList<>();
    for (String name : new TreeSet<>(env.keySet())) {
      if (!name.startsWith(prefix) || asked.contains(name)) {
        continue;
      }
      String closest = null;
      int best = Integer.MAX_VALUE;
      for (String known : new TreeSet<>(asked)) {
        if (!known.startsWith(prefix)) {
          continue;
        }
        int d = distance(name, known);
        if (d < best) {
          best = d;
          closest = known;
        }
      }
      warnings.add("environment variable " + name + " sets no " + role + " config key and is ignored"
          + (closest != null ? "; did you mean " + closest + "?" : "")
          + " (the rule: docs/configuration.md, environment overrides)");
    }
    return warnings;
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
