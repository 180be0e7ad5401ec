package io.outflux.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class HumanTest {

  @Test
  void durationsReadAsAPersonSaysThem() {
    assertEquals("20 s", Human.duration(Duration.ofSeconds(20)));
    assertEquals("5 min", Human.duration(Duration.ofMinutes(5)));
    assertEquals("3 min 05 s", Human.duration(Duration.ofSeconds(185)));
    assertEquals("1 h", Human.duration(Duration.ofHours(1)));
    assertEquals("1 d", Human.duration(Duration.ofDays(1)));
    assertEquals("0.5 s", Human.duration(Duration.ofMillis(500)));
  }

  @Test
  void sizesInBinaryUnits() {
    assertEquals("17.6 MiB", Human.bytes(18_454_938));
    assertEquals("999 B", Human.bytes(999));
  }

  @Test
  void aBodyBecomesOneShortLine() {
    assertEquals("404 page not found", Human.snippet("404 page not found\n"));
    assertEquals("a b c", Human.snippet("a\r\n\tb\u0000c"));
    assertEquals("abcde...", Human.snippet("abcdefghij", 5));
    assertEquals("", Human.snippet(null));
  }
}
