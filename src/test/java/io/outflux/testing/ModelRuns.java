package io.outflux.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A tiny property runner for model-based tests: a property is a run that, given a seeded
 * {@link Random}, applies a random sequence of actions to the real class and to a simple model and
 * checks the invariants after every step. {@link #check} runs it for many seeds; a failure names the
 * seed and the actions that led to it, and {@link #replay} runs that one seed again.
 *
 * <p>System properties: {@code outflux.model.seeds} (runs per property, default per call) and
 * {@code outflux.model.seed} (the seed a test's replay method runs, default 0), e.g.
 * {@code mvn -B -o test -Dtest=AckTrackerModelTest -Doutflux.model.seeds=20000}.
 */
public final class ModelRuns {

  /** How many actions a failure message shows (the last ones, where it went wrong). */
  private static final int SHOWN = 200;

  private ModelRuns() {
  }

  /** One run of a property: actions drawn from {@code random}, each told to {@code trace}. */
  @FunctionalInterface
  public interface Run {
    void run(Random random, Trace trace);
  }

  /** The actions of a run, as text, for the failure message. */
  public static final class Trace {
    private final List<String> actions = new ArrayList<>();

    public void add(String action) {
      actions.add(action);
    }

    public void add(String format, Object... args) {
      actions.add(String.format(format, args));
    }

    int size() {
      return actions.size();
    }

    String tail() {
      StringBuilder sb = new StringBuilder();
      int from = Math.max(0, actions.size() - SHOWN);
      if (from > 0) {
        sb.append("  ... ").append(from).append(" earlier actions\n");
      }
      for (int i = from; i < actions.size(); i++) {
        sb.append("  ").append(i).append(": ").append(actions.get(i)).append('\n');
      }
      return sb.toString();
    }
  }

  /** The runs per property: {@code outflux.model.seeds}, else {@code defaultSeeds}. */
  public static int seeds(int defaultSeeds) {
    return Integer.getInteger("outflux.model.seeds", defaultSeeds);
  }

  /** The seed a replay method runs: {@code outflux.model.seed}, else 0. */
  public static long replaySeed() {
    return Long.getLong("outflux.model.seed", 0L);
  }

  /** Runs {@code run} for seeds {@code firstSeed ..} ({@link #seeds} of them); the first failure names its seed. */
  public static void check(String property, long firstSeed, int defaultSeeds, Run run) {
    int n = seeds(defaultSeeds);
    for (long seed = firstSeed; seed < firstSeed + n; seed++) {
      once(property, seed, run);
    }
  }

  /** Runs one seed, as {@link #check} did: to replay a failure (its message names the seed). */
  public static void replay(String property, long seed, Run run) {
    once(property, seed, run);
  }

  private static void once(String property, long seed, Run run) {
    Trace trace = new Trace();
    try {
      run.run(new Random(seed), trace);
    } catch (Throwable t) {
      AssertionError failure = new AssertionError(property + " failed with seed " + seed + " after " + trace.size()
          + " actions (replay: -Doutflux.model.seed=" + seed + " and the test's replay method): " + t.getMessage()
          + "\n" + trace.tail(), t);
      throw failure;
    }
  }
}
