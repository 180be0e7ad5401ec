package io.outflux.demo;

import java.nio.file.Path;

/** Command line of {@code outflux demo}. */
record DemoOptions(int seconds, int rate, Path dir, boolean tls, boolean help) {

  static final String USAGE = """
      Usage: outflux demo [--seconds N] [--rate LINES_PER_SECOND] [--dir DIR]
        --seconds N   how long to write lines (default 10)
        --rate N      lines per second, spread over cpu/mem/disk measurements (default 5000)
        --dir DIR     keep InfluxDB data, configs and logs in DIR (default: a new temp directory)
        --tls         client and server talk HTTPS with certificates made for the demo (openssl),
                      and the server requires the client's certificate""";

  static DemoOptions parse(String[] args) {
    int seconds = 10;
    int rate = 5000;
    Path dir = null;
    boolean help = false;
    boolean tls = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--seconds" -> seconds = positive(args, ++i);
        case "--rate" -> rate = positive(args, ++i);
        case "--dir" -> dir = Path.of(value(args, ++i));
        case "--tls" -> tls = true;
        case "-h", "--help" -> help = true;
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    return new DemoOptions(seconds, rate, dir, tls, help);
  }

  private static String value(String[] args, int i) {
    if (i >= args.length) {
      throw new IllegalArgumentException(args[i - 1] + " needs a value");
    }
    return args[i];
  }

  private static int positive(String[] args, int i) {
    String v = value(args, i);
    try {
      int n = Integer.parseInt(v);
      if (n <= 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(args[i - 1] + " needs a positive whole number, not \"" + v + "\"");
    }
  }
}
