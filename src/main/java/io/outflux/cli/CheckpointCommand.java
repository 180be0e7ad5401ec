package io.outflux.cli;

import io.outflux.client.ClientConfig;
import io.outflux.spool.Checkpoint;
import io.outflux.spool.CheckpointStore;
import io.outflux.spool.SpoolEndPosition;
import java.io.PrintStream;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code outflux checkpoint inspect|reset}: what the checkpoint file holds, slot by slot, and a way
 * forward when it is damaged (docs/spool.md). A plain blocking program on the files the client config
 * names; stop the client before a reset (a running client overwrites the file at its next ack).
 */
@Command(name = "checkpoint", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Inspect the client's checkpoint file (both slots: generation, checksum, position), or reset a "
        + "damaged one (docs/spool.md).",
        "reset --from-start: the client resends everything still in the spool (points are idempotent: nothing is "
            + "duplicated, it only costs time and bandwidth).",
        "reset --from-end: the client skips what is in the spool now and syncs only lines written after it "
            + "(those lines never reach the central InfluxDB; archives present are deleted as skipped).",
        "Stop the client before a reset."},
    footerHeading = "%n", footer = Cli.DOCS,
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:inspect: the checkpoint is readable (maybe one slot damaged); reset: done",
        "1:inspect: the checkpoint is damaged (no slot readable); reset: could not write",
        "2:bad command line or config"})
final class CheckpointCommand extends ClientConfOption implements Callable<Integer> {

  /** What to do. */
  enum Action { inspect, reset }

  /** Where a reset puts the checkpoint. */
  static final class From {
    @picocli.CommandLine.Option(names = "--from-start", required = true,
        description = "reset: resend what is still in the spool")
    boolean start;

    @picocli.CommandLine.Option(names = "--from-end", required = true,
        description = "reset: skip what is in the spool now")
    boolean end;
  }

  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "ACTION", description = "inspect or reset")
  Action action;

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  From from;

  private final Io io;

  CheckpointCommand(Io io) {
    this.io = io;
  }

  @Override
  public Integer call() {
    if (action == Action.reset && from == null) {
      throw new ParameterException(spec.commandLine(), "reset needs --from-start (resend what is still in the spool) "
          + "or --from-end (skip it)");
    }
    if (action == Action.inspect && from != null) {
      throw new ParameterException(spec.commandLine(), "--from-start and --from-end are for reset");
    }
    Optional<ClientConfig> loaded = load(io);
    if (loaded.isEmpty()) {
      return Cli.EXIT_USAGE;
    }
    ClientConfig config = loaded.get();
    CheckpointStore store = new CheckpointStore(config.spool().checkpoint());
    try {
      return action == Action.inspect ? inspect(store, io.out()) : reset(store, config, io.out());
    } catch (RuntimeException e) {
      io.err().println("outflux checkpoint: " + e.getMessage());
      return Cli.EXIT_FAILED;
    }
  }

  private static int inspect(CheckpointStore store, PrintStream out) {
    CheckpointStore.Inspection in = store.inspect();
    if (in.isMissing()) {
      out.println(store.file() + ": no checkpoint yet (the client syncs the spool from its beginning)");
      return Cli.EXIT_OK;
    }
    out.println(store.file() + ": " + in.size() + " bytes, " + (in.legacy() ? "JSON format of an earlier release "
        + "(rewritten in the two-slot format at the client's next start)" : "two-slot format"));
    if (in.legacy()) {
      out.println("  " + in.legacyCheckpoint().map(c -> describe(c)).orElse("damaged: " + in.legacyProblem()));
    }
    for (CheckpointStore.Slot s : in.slots()) {
      out.println("  slot " + s.name() + ": " + (s.checkpoint() == null ? "damaged: " + s.problem()
          : "generation " + s.generation() + ", " + describe(s.checkpoint())));
    }
    Optional<Checkpoint> best = in.best();
    if (best.isEmpty()) {
      out.println(in.damageLine());
      return Cli.EXIT_FAILED;
    }
    in.warning().ifPresent(w -> out.println("  note: " + w));
    return Cli.EXIT_OK;
  }

  private static String describe(Checkpoint c) {
    String s = "synced up to offset " + c.synced().offset() + " of " + (c.synced().name().isEmpty() ? "the spool"
        : c.synced().name()) + " (" + c.synced().file() + "), last acknowledged batch " + c.lastAckedSeq();
    return c.catchUp() == null ? s : s + ", newest-first catch-up: live synced up to offset "
        + c.catchUp().live().offset() + " of " + c.catchUp().live().name();
  }

  private int reset(CheckpointStore store, ClientConfig config, PrintStream out) {
    CheckpointStore.Inspection in = store.inspect();
    long seq = in.best().map(Checkpoint::lastAckedSeq).orElse(0L);
    if (from.start) {
      Checkpoint next = new Checkpoint(Checkpoint.EMPTY.synced(), seq);
      store.reset(next);
      out.println("checkpoint " + store.file() + " reset: the client reads the spool from the start of its oldest file "
          + "and resends what is still there (points are idempotent: nothing is duplicated)");
      return Cli.EXIT_OK;
    }
    SpoolEndPosition.End end = SpoolEndPosition.of(config.spool().path());
    store.reset(new Checkpoint(end.position(), seq));
    out.println("checkpoint " + store.file() + " reset to the end of the spool: offset " + end.position().offset()
        + " of " + config.spool().path().getFileName() + "; skipping what the spool holds now (" + end.bytes()
        + " bytes in " + end.files() + " file(s): what of it was not synced yet will not reach the central InfluxDB)");
    return Cli.EXIT_OK;
  }
}
