package io.outflux.cli;

import io.outflux.client.ClientConfig;
import io.outflux.spool.LossLedger;
import java.io.PrintStream;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code outflux loss list|ack}: spool data the client found provably gone before it was synced (a
 * file deleted or truncated before it was read to its end), and the operator's acknowledgement, which
 * turns {@code /ready} back to 200 (docs/spool.md). Works on {@code <spool.checkpoint>.losses}; the
 * running client reads that file at each status request, so an ack needs no restart.
 */
@Command(name = "loss", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"List spool data the client found lost before it was synced (which file, how many bytes, the "
        + "likely cause and its fix), or acknowledge the losses: /ready answers 503 until they are acknowledged "
        + "(docs/spool.md)."},
    footerHeading = "%n", footer = Cli.DOCS,
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:list: no unacknowledged loss; ack: done", "1:list: there are unacknowledged losses; "
        + "ack: could not write", "2:bad command line or config"})
final class LossCommand extends ClientConfOption implements Callable<Integer> {

  /** What to do. */
  enum Action { list, ack }

  @Parameters(index = "0", paramLabel = "ACTION", description = "list or ack")
  Action action;

  private final Io io;

  LossCommand(Io io) {
    this.io = io;
  }

  @Override
  public Integer call() {
    Optional<ClientConfig> loaded = load(io);
    if (loaded.isEmpty()) {
      return Cli.EXIT_USAGE;
    }
    LossLedger ledger = new LossLedger(LossLedger.pathFor(loaded.get().spool().checkpoint()));
    PrintStream out = io.out();
    try {
      if (action == Action.ack) {
        int n = ledger.ackAll();
        out.println(n == 0 ? "no unacknowledged loss in " + ledger.path()
            : "acknowledged " + n + " loss(es) in " + ledger.path() + "; the client's /ready no longer reports them");
        return Cli.EXIT_OK;
      }
      List<LossLedger.Loss> all = ledger.list();
      if (all.isEmpty()) {
        out.println("no spool data was lost (" + ledger.path() + " has no record)");
        return Cli.EXIT_OK;
      }
      int i = 0;
      long open = 0;
      for (LossLedger.Loss l : all) {
        out.printf("#%d %s %s%s%n", ++i, l.at(), l.acked() ? "(acknowledged) " : "", l.describe());
        open += l.acked() ? 0 : 1;
      }
      out.println(open == 0 ? "all acknowledged" : open + " not acknowledged: fix the cause, then 'outflux loss ack'");
      return open == 0 ? Cli.EXIT_OK : Cli.EXIT_FAILED;
    } catch (RuntimeException e) {
      io.err().println("outflux loss: " + e.getMessage());
      return Cli.EXIT_FAILED;
    }
  }
}
