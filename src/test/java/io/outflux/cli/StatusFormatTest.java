package io.outflux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StatusFormatTest {

  private static final Instant NOW = Instant.parse("2026-11-29T10:00:00Z");

  private static JsonObject status() {
    return new JsonObject()
        .put("clientId", "plant-7")
        .put("sync", new JsonObject().put("rule", "interval-size").put("interval", "5000ms").put("sizeLines", 1000)
            .put("sizeBytes", 262_144).put("maxBatchLines", 10_000).put("maxBatchSize", 4_194_304).put("maxInFlight", 4))
        .put("server", "http://central:8070")
        .put("connection", "retrying")
        .put("lastError", "connection refused: central/10.0.0.1:8070")
        .put("lastContactAt", "2026-11-29T09:58:00Z")
        .put("backlog", new JsonObject().put("lines", 12_345).put("bytes", 1_258_291).put("lagSeconds", 4.25))
        .put("lastAck", new JsonObject().put("at", "2026-11-29T09:58:00Z").put("secondsAgo", 120.0))
        .put("lines", new JsonObject().put("read", 120_000).put("acked", 107_655).put("bytesAcked", 19_188_531))
        .put("deadLetter", new JsonObject().put("file", "/var/spool/outflux/metrics.lp.deadletter").put("records", 3)
            .put("sinceStart", 1))
        .put("link", new JsonObject().put("limited", true).put("maxRate", 65_536)
            .put("windows", new JsonArray().add("01:00-05:00")).put("timeZone", "UTC").put("inWindow", false)
            .put("open", false).put("nextWindowOpens", "2026-11-30T01:00:00Z")
            .put("dailyQuota", 209_715_200).put("quotaUsed", 12_582_912).put("quotaLeft", 197_132_288)
            .put("quotaResets", "2026-11-30T00:00:00Z"))
        .put("ready", new JsonObject().put("ready", false)
            .put("reasons", new JsonArray().add("the server http://central:8070 is not accepting batches (retrying)")));
  }

  /** With zstd and a dictionary: which one, what the server said, and how often it had to be offered again. */
  @Test
  void theDictionaryLineShowsItsReoffers() {
    JsonObject s = status().put("dictionary", new JsonObject().put("id", "3f1c0a9b7d2e4f60").put("bytes", 16_384)
        .put("training", false).put("offer", "accepted").put("reoffers", 3));
    String[] lines = StatusFormat.format(s, NOW).split("\n");
    assertEquals(10, lines.length);
    assertEquals("dictionary  zstd 3f1c0a9b7d2e4f60 (16.0 KiB), the server: accepted; offered again 3 times since the"
        + " client started (the server had lost it)", lines[8]);
    assertEquals("zstd, training; offered again 0 times since the client started (the server had lost it)",
        StatusFormat.dictionary(new JsonObject().put("training", true).put("offer", "not offered").put("reoffers", 0)));
    assertEquals(9, StatusFormat.format(status(), NOW).split("\n").length, "no line without a dictionary");
  }

  @Test
  void everySubjectIsOneAlignedLineWithUnitsAPersonReads() {
    String text = StatusFormat.format(status(), NOW);
    String[] lines = text.split("\n");
    assertEquals(9, lines.length, text);
    for (String line : lines) {
      assertEquals(' ', line.charAt(11), "values start in one column: " + line);
      assertTrue(line.charAt(12) != ' ', line);
    }
    assertEquals("client      plant-7  (NOT READY)", lines[0]);
    assertEquals("rule        interval-size every 5.0 s or at 1,000 lines / 256.0 KiB (batches up to 10,000 lines / 4.0 MiB,"
        + " 4 in flight)", lines[1]);
    assertEquals("server      http://central:8070  retrying (last error: connection refused: central/10.0.0.1:8070),"
        + " last answer 2 min ago", lines[2]);
    assertEquals("backlog     12,345 lines (1.2 MiB), lag 4.3 s", lines[3]);
    assertEquals("last ack    2026-11-29T09:58:00Z (2 min ago)", lines[4]);
    assertEquals("lines       read 120,000, acknowledged 107,655 (18.3 MiB) since the client started", lines[5]);
    assertEquals("dead letter 3 records in /var/spool/outflux/metrics.lp.deadletter (1 since the client started)", lines[6]);
    assertEquals("link        max 64.0 KiB/s; windows 01:00-05:00 (UTC): closed, next opens 2026-11-30T01:00Z (in 15 h);"
        + " quota 12.0 MiB of 200.0 MiB used, 188.0 MiB left, resets 2026-11-30T00:00Z (in 14 h)", lines[7]);
    assertEquals("ready       no: the server http://central:8070 is not accepting batches (retrying)", lines[8]);
  }

  @Test
  void aQuietClientSaysSoPlainly() {
    JsonObject s = status().put("connection", "connected").put("lastAck", new JsonObject())
        .put("link", new JsonObject().put("limited", false))
        .put("ready", new JsonObject().put("ready", true).put("reasons", new JsonArray()));
    s.remove("lastError");
    String text = StatusFormat.format(s, NOW);
    assertTrue(text.startsWith("client      plant-7  (ready)\n"), text);
    assertTrue(text.contains("\nserver      http://central:8070  connected, last answer 2 min ago\n"), text);
    assertTrue(text.contains("\nlast ack    none since the client started\n"), text);
    assertTrue(text.contains("\nlink        not metered\n"), text);
    assertTrue(text.endsWith("\nready       yes\n"), text);
  }

  @Test
  void lostDataAndFilesTheClientCannotAccountForHaveALineEach() {
    JsonObject s = status().put("spool", new JsonObject()
        .put("losses", new JsonObject().put("unacknowledged", 2).put("bytes", 2_048).put("lines", 10)
            .put("linesUnknown", 1))
        .put("unaccountedFiles", new JsonArray().add(new JsonObject().put("file", "metrics.lp.1.gz").put("bytes", 1_024)
            .put("why", "a compressed copy"))));
    String text = StatusFormat.format(s, NOW);
    assertTrue(text.contains("\nlost        2 loss(es) not acknowledged: 2.0 KiB, at least 10 lines (1 of the losses with "
        + "an unknown number of lines) (outflux loss list; outflux loss ack)\n"), text);
    assertTrue(text.contains("\nunaccounted metrics.lp.1.gz (1.0 KiB, left alone, not synced): a compressed copy\n"),
        text);
    assertTrue(!StatusFormat.format(status(), NOW).contains("unaccounted"), "nothing to say: no line");
  }
}
