package io.outflux.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code outflux version}: the same line as {@code outflux --version}. */
@Command(name = "version", mixinStandardHelpOptions = true, description = "Print the outflux version.")
final class VersionCommand implements Callable<Integer> {

  private final Io io;

  VersionCommand(Io io) {
    this.io = io;
  }

  @Override
  public Integer call() {
    io.out().println(new Cli.Version().getVersion()[0]);
    return Cli.EXIT_OK;
  }
}
