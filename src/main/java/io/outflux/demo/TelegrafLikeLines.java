package io.outflux.demo;

import java.nio.charset.StandardCharsets;

/**
 * Generates lines shaped like Telegraf's cpu/mem/disk output (about 180 bytes each), with unique
 * timestamps so every line is its own point. Deterministic: line i is always the same.
 */
public final class TelegrafLikeLines {

  private final String host;
  private final long startNanos;

  public TelegrafLikeLines(String host, long startNanos) {
    this.host = host;
    this.startNanos = startNanos;
  }

  /** Line {@code i}, without its newline. Lines are spread over three measurements. */
  public String line(long i) {
    long ts = startNanos + i * 1000;
    double v = (i % 1000) / 10.0;
    return switch ((int) (i % 3)) {
      case 0 -> "cpu,cpu=cpu" + (i % 4) + ",host=" + host + ",region=eu-west usage_user=" + v + ",usage_system="
          + (v / 3) + ",usage_idle=" + (100 - v) + ",usage_iowait=0.25,usage_irq=0i " + ts;
      case 1 -> "mem,host=" + host + ",region=eu-west used=" + (4_000_000_000L + i) + "i,available="
          + (12_000_000_000L - i) + "i,used_percent=" + v + ",swap_total=2147483648i " + ts;
      default -> "disk,device=sda1,fstype=ext4,host=" + host + ",mode=rw,path=/ free=" + (50_000_000_000L - i)
          + "i,used=" + (20_000_000_000L + i) + "i,used_percent=" + v + ",inodes_free=3000000i " + ts;
    };
  }

  /** Lines {@code from} (inclusive) to {@code to} (exclusive), each with its newline, as UTF-8. */
  public byte[] block(long from, long to) {
    StringBuilder sb = new StringBuilder((int) (to - from) * 190);
    for (long i = from; i < to; i++) {
      sb.append(line(i)).append('\n');
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The measurements lines are spread over, each with a field every one of its lines has. */
  public static final String[][] MEASUREMENTS = {{"cpu", "usage_user"}, {"mem", "used"}, {"disk", "free"}};
}
