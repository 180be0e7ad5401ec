package io.outflux.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The punch itself, on real files: it hits the file that was checked, or nothing. */
class CompactorTest {

  private static final int SIZE = 1 << 20;

  @Test
  void punchesTheCheckedFile(@TempDir Path dir) throws Exception {
    Path file = Files.write(dir.resolve("metrics.lp"), new byte[SIZE]);
    assertTrue(Compactor.runFallocate(file, FileId.of(file), 0, SIZE / 2));
    assertTrue(allocated(file) <= SIZE / 2 + 4096, "half the file is a hole: " + allocated(file));
    assertEquals(SIZE, Files.size(file), "the size and so every offset stays");
  }

  @Test
  void aPathMissingForAMomentDuringARotationPunchesNothingAndIsNoError(@TempDir Path dir) throws Exception {
    Path file = Files.write(dir.resolve("metrics.lp"), new byte[SIZE]);
    FileId id = FileId.of(file);
    Files.move(file, dir.resolve("metrics.2026-11-29-1.lp"));
    assertFalse(Compactor.runFallocate(file, id, 0, SIZE / 2));
  }

  @Test
  void aPathThatNamesANewFileNowIsNotPunched(@TempDir Path dir) throws Exception {
    Path file = Files.write(dir.resolve("metrics.lp"), new byte[SIZE]);
    FileId old = FileId.of(file);
    Files.move(file, dir.resolve("metrics.2026-11-29-1.lp"));
    Files.writeString(file, "cpu v=1 1\n".repeat(100_000), StandardCharsets.UTF_8);
    long before = allocated(file);
    assertFalse(Compactor.runFallocate(file, old, 0, SIZE / 2));
    assertEquals(before, allocated(file), "the new active file keeps every byte");
  }

  private static long allocated(Path file) throws Exception {
    Process p = new ProcessBuilder("stat", "-c", "%b %B", file.toString()).start();
    String[] out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim().split(" ");
    p.waitFor();
    return Long.parseLong(out[0]) * Long.parseLong(out[1]);
  }
}
