package io.outflux.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientStatusTest {

  private static final Instant NOW = Instant.parse("2026-11-29T10:00:00Z");

  private static JsonObject spool(boolean readable) {
    JsonObject s = new JsonObject().put("spool", "/s/metrics.lp").put("spoolReadable", readable)
        .put("deadLetterFile", "/s/metrics.lp.deadletter").put("deadLetterRecords", 2L).put("deadLetteredSinceStart", 1L);
    return readable ? s : s.put("spoolProblem", "spool file /s/metrics.lp is not a readable file");
  }

  private static JsonObject batch() {
    return new JsonObject().put("backlogLines", 10L).put("backlogBytes", 1_800L).put("lagSeconds", 1.5)
        .put("linesRead", 110L).put("linesAcked", 100L).put("bytesAcked", 18_000L).put("lastAckAt", "2026-11-29T09:59:58Z");
  }

  private static JsonObject transport(String connection, String contact) {
    JsonObject t = new JsonObject().put("server", "http://central:8070").put("connection", connection);
    if (contact != null) {
      t.put("lastContactAt", contact);
    }
    return connection.equals("connected") || connection.equals("idle") ? t : t.put("lastError", "Connection refused");
  }

  @Test
  void theStagesPartsBecomeOneStatus() {
    JsonObject s = ClientStatus.merge("edge-1", spool(true), batch(), transport("connected", "2026-11-29T09:59:58Z"), NOW);
    assertEquals("edge-1", s.getString("clientId"));
    assertEquals(10L, s.getJsonObject("backlog").getLong("lines"));
    assertEquals(2.0, s.getJsonObject("lastAck").getDouble("secondsAgo"));
    assertEquals(2L, s.getJsonObject("deadLetter").getLong("records"));
    assertEquals(false, s.getJsonObject("link").getBoolean("limited"));
    assertEquals(List.of(), ClientStatus.notReadyReasons(s));
    assertTrue(!ClientStatus.needsProbe(s, NOW), "the server answered two seconds ago");
    assertTrue(!s.containsKey("dictionary"), "no dictionary part without one");
    JsonObject dictionary = new JsonObject().put("id", "3f1c0a9b7d2e4f60").put("offer", "accepted").put("reoffers", 2L);
    assertEquals(dictionary, ClientStatus.merge("edge-1", spool(true), batch(),
        transport("connected", "2026-11-29T09:59:58Z").put("dictionary", dictionary), NOW).getJsonObject("dictionary"),
        "the transport's dictionary figures, re-offers included");
  }

  @Test
  void notReadyNamesEachReason() {
    JsonObject s = ClientStatus.merge("edge-1", spool(false), batch(), transport("retrying", null), NOW);
    assertEquals(List.of("spool file /s/metrics.lp is not a readable file",
        "the server http://central:8070 is not accepting batches (retrying): Connection refused"), ClientStatus.notReadyReasons(s));
    JsonObject paused = ClientStatus.merge("edge-1", spool(true), batch(), transport("auth_refused", null), NOW);
    assertEquals(List.of("sending is paused: Connection refused"), ClientStatus.notReadyReasons(paused));
    JsonObject silent = ClientStatus.merge("edge-1", spool(true), batch(),
        new JsonObject().put("error", "the transport stage did not answer: timeout"), NOW);
    assertTrue(ClientStatus.notReadyReasons(silent).contains("the transport stage did not answer: timeout"));
  }

  @Test
  void anIdleClientOrAnOldContactIsCheckedByProbingTheServer() {
    assertTrue(ClientStatus.needsProbe(ClientStatus.merge("e", spool(true), batch(), transport("idle", null), NOW), NOW));
    assertTrue(ClientStatus.needsProbe(ClientStatus.merge("e", spool(true), batch(),
        transport("connected", "2026-11-29T09:58:00Z"), NOW), NOW));
  }
}
