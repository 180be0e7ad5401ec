package io.outflux.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LogSafeTest {

  @Test
  void plainTextIsLeftAsItIs() {
    String s = "user edge-01 from 127.0.0.1";
    assertSame(s, LogSafe.of(s));
  }

  @Test
  void aNewlineCannotStartAForgedLogLine() {
    String forged = LogSafe.of("edge\n2026-12-01T00:00:00Z INFO  [main] Admin - user admin logged in\r\u0085\u2028\u001b[31m\\");
    assertFalse(forged.contains("\n") || forged.contains("\r") || forged.contains("\u0085") || forged.contains("\u2028")
        || forged.contains("\u001b"), forged);
    assertTrue(forged.startsWith("edge\\n2026"), forged);
    assertTrue(forged.endsWith("\\u001b[31m\\\\"), forged);
  }

  @Test
  void longValuesAreCut() {
    String s = LogSafe.of("x".repeat(10_000));
    assertEquals(LogSafe.MAX_CHARS + "...(10000 chars)".length(), s.length());
    assertEquals("null", LogSafe.of(null));
  }
}
