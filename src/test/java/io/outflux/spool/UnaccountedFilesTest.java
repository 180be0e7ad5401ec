package io.outflux.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.testing.LogCapture;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files in the spool directory the client cannot account for, and lost bytes measured in such a copy. */
class UnaccountedFilesTest {

  @TempDir
  Path dir;

  private SpoolFiles files() {
    SpoolConfig config = SpoolConfig.defaults(dir.resolve("metrics.lp"));
    return new SpoolFiles(config.path(), SpoolFiles.ownNames(config));
  }

  private static String lines(int from, int to) {
    StringBuilder sb = new StringBuilder();
    for (int i = from; i < to; i++) {
      sb.append("cpu,host=a v=").append(i).append("i ").append(1_700_000_000_000L + i).append('\n');
    }
    return sb.toString();
  }

  static void gzip(Path from, Path to) throws Exception {
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(to))) {
      Files.copy(from, out);
    }
  }

  @Test
  void compressedCopiesAndUnknownNamesAreReportedOncePerFileWithWhatToDo() throws Exception {
    Files.writeString(dir.resolve("metrics.lp"), lines(0, 10));
    Files.writeString(dir.resolve("metrics.lp.1"), lines(0, 5)); // read by the client: accounted for
    Files.writeString(dir.resolve("metrics.lp.checkpoint"), "x"); // its own
    Files.writeString(dir.resolve("metrics.lp.deadletter"), "x");
    Files.writeString(dir.resolve("telegraf.conf"), "x"); // not the spool's
    gzip(dir.resolve("metrics.lp.1"), dir.resolve("metrics.lp.2.gz"));
    Files.writeString(dir.resolve("metrics.lp.bak"), lines(0, 3));
    UnaccountedFiles u = new UnaccountedFiles(files(), io.outflux.client.ClientMeters.of("unaccounted-test"));
    List<UnaccountedFiles.Unaccounted> found = u.scan();
    assertEquals(List.of("metrics.lp.2.gz", "metrics.lp.bak"), found.stream().map(UnaccountedFiles.Unaccounted::file)
        .toList());
    assertTrue(found.get(0).why().contains("compressed") && found.get(0).why().contains("delaycompress"),
        found.get(0).why());
    assertTrue(found.get(1).why().contains("metrics.lp.1") && found.get(1).why().contains("move it out"),
        found.get(1).why());
    assertEquals(Files.size(dir.resolve("metrics.lp.bak")), found.get(1).bytes());
    try (LogCapture log = new LogCapture(SpoolTailVerticle.class)) {
      u.report(found);
      u.report(u.scan());
      u.report(u.scan());
      List<String> warned = log.messages().stream().filter(m -> m.contains("left alone")).toList();
      assertEquals(2, warned.size(), "one WARN per file, not one per scan: " + warned);
      assertTrue(warned.get(0).contains("metrics.lp.2.gz"), warned.get(0));
    }
    assertEquals(2, u.status().size());
    assertEquals("metrics.lp.bak", u.status().getJsonObject(1).getString("file"));
    assertEquals(2.0, io.outflux.metrics.Metrics.registry().get("outflux_client_spool_unaccounted_files")
        .tag(io.outflux.client.ClientMeters.CLIENT_TAG, "unaccounted-test").gauge().value());
    Files.delete(dir.resolve("metrics.lp.bak"));
    u.report(u.scan());
    assertEquals(1, u.status().size(), "a file gone is no longer listed");
  }

  @Test
  void manyNewFilesAreNamedFiveAtATimeAndTheRestSummedUp() throws Exception {
    for (int i = 0; i < 8; i++) {
      Files.writeString(dir.resolve("metrics.lp.old" + i), "x\n");
    }
    UnaccountedFiles u = new UnaccountedFiles(files(), io.outflux.client.ClientMeters.of("unaccounted-test"));
    try (LogCapture log = new LogCapture(SpoolTailVerticle.class)) {
      u.report(u.scan());
      assertEquals(UnaccountedFiles.WARN_PER_SCAN + 1, log.messages().size(), log.messages().toString());
      assertTrue(log.messages().get(UnaccountedFiles.WARN_PER_SCAN).contains("3 more"), log.messages().toString());
    }
  }

  @Test
  void lostBytesStillInAGzipOrUnknownCopyAreMeasuredExactlyBytesAndLines() throws Exception {
    Path spool = dir.resolve("metrics.lp");
    Files.writeString(spool, lines(0, 100));
    long offset = lines(0, 60).length();
    byte[] all = Files.readAllBytes(spool);
    String tail = Base64.getEncoder().encodeToString(java.util.Arrays.copyOfRange(all, (int) offset - 32,
        (int) offset));
    SpoolPosition at = new SpoolPosition(FileId.of(spool), "metrics.lp", offset, tail);
    assertNull(LostCopy.find(files(), at), "no copy yet");
    gzip(spool, dir.resolve("metrics.lp.1.gz"));
    Files.write(spool, new byte[0]);
    LostCopy.Found gz = LostCopy.find(files(), at);
    assertEquals("metrics.lp.1.gz", gz.file());
    assertEquals(all.length - offset, gz.bytes());
    assertEquals(40, gz.lines());
    assertTrue(LostCopy.cause(gz, "metrics.lp", offset).contains("zcat metrics.lp.1.gz | tail -c +" + (offset + 1)));
    Files.delete(dir.resolve("metrics.lp.1.gz"));
    Files.writeString(dir.resolve("metrics.lp.save"), lines(0, 100) + lines(100, 102));
    LostCopy.Found plain = LostCopy.find(files(), at);
    assertEquals(42, plain.lines());
    assertEquals(lines(60, 102).getBytes(StandardCharsets.UTF_8).length, plain.bytes());
    Files.writeString(dir.resolve("metrics.lp.save"), lines(1, 101)); // other content: not the copy
    assertNull(LostCopy.find(files(), at));
  }

  @Test
  void aLossSaysHowManyLinesOrThatTheyAreUnknownNeverAGuess() {
    LossLedger ledger = new LossLedger(dir.resolve("cp.losses"));
    ledger.record(new LossLedger.Loss(java.time.Instant.EPOCH, "metrics.lp", 400, -1, "deleted", false));
    assertTrue(ledger.list().get(0).describe().startsWith("400 bytes (lines unknown) of metrics.lp"),
        ledger.list().get(0).describe());
    assertTrue(ledger.status().getString("summary").contains("400 bytes, lines unknown"), ledger.status().encode());
    ledger.record(new LossLedger.Loss(java.time.Instant.EPOCH, "metrics.lp", 100, 3, "in a gz copy", false));
    assertTrue(ledger.list().get(1).describe().startsWith("100 bytes (3 lines) of metrics.lp"));
    assertEquals(3, ledger.status().getLong("lines"));
    assertEquals(1, ledger.status().getLong("linesUnknown"));
    assertTrue(ledger.status().getString("summary").contains("500 bytes, at least 3 lines (1 of the losses with an "
        + "unknown number of lines)"), ledger.status().encode());
  }
}
