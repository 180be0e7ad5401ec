package io.outflux.cli;

import io.outflux.demo.Demo;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code outflux demo}: the whole pipeline on this machine, with two real InfluxDBs (see {@link Demo}). */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Start two real InfluxDBs on loopback (edge, and central with auth on), an outflux server and "
        + "client as separate JVMs, write Telegraf-like lines for a while and compare the point counts.",
        "Needs influxd on the PATH (scripts/setup.sh installs Debian's). Stops everything it started on exit."},
    footerHeading = "%n", footer = Cli.DOCS,
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:every line written arrived centrally", "1:counts differ or a part failed to start",
        "2:bad command line"})
final class DemoCommand implements Callable<Integer> {

  @Option(names = {"-s", "--seconds"}, paramLabel = "N", defaultValue = "10",
      description = "how long to write lines (default ${DEFAULT-VALUE})")
  int seconds;

  @Option(names = {"-r", "--rate"}, paramLabel = "LINES_PER_SECOND", defaultValue = "5000",
      description = "lines per second, spread over cpu/mem/disk measurements (default ${DEFAULT-VALUE})")
  int rate;

  @Option(names = {"-d", "--dir"}, paramLabel = "DIR",
      description = "keep InfluxDB data, configs and logs in DIR (default: a new temporary directory)")
  Path dir;

  @Option(names = "--tls", description = "client and server talk HTTPS with certificates made for the demo "
      + "(openssl), and the server requires the client's certificate")
  boolean tls;

  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  DemoCommand(Io io) {
  }

  @Override
  public Integer call() throws Exception {
    if (seconds <= 0 || rate <= 0) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--seconds and --rate must be positive");
    }
    return Demo.run(new Demo.Options(seconds, rate, dir, tls));
  }
}
