package io.outflux.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AuditQueryTest {

  private static final AuditQuery.Span SPAN = new AuditQuery.Span(3_600_000_000_000L, 3 * 3_600_000_000_000L, 3600);

  @Test
  void oneStatementPerMeasurementWithTheSiteFilterQuoted() {
    assertEquals("SELECT count(*) FROM \"cpu\" WHERE time >= 3600000000000 AND time < 10800000000000 GROUP BY "
            + "time(3600s) fill(none);SELECT count(*) FROM \"a \\\"b\\\"\" WHERE time >= 3600000000000 AND time < "
            + "10800000000000 AND \"site\" = 'o\\'k' GROUP BY time(3600s) fill(none)",
        AuditQuery.influxql(List.of("cpu"), SPAN, Optional.empty()) + ";"
            + AuditQuery.influxql(List.of("a \"b\""), SPAN, Optional.of(Map.entry("site", "o'k"))));
  }

  @Test
  void countsSumTheFieldsPerWindow() {
    JsonObject answer = new JsonObject("{\"results\":[{\"statement_id\":0,\"series\":[{\"name\":\"cpu\","
        + "\"columns\":[\"time\",\"count_a\",\"count_b\"],\"values\":[[3600000000000,3,2],[7200000000000,null,4]]}]},"
        + "{\"statement_id\":1}]}");
    Map<String, Map<Long, Long>> counts = AuditQuery.counts(List.of("cpu", "mem"), answer);
    assertEquals(Map.of("cpu", Map.of(3_600_000_000_000L, 5L, 7_200_000_000_000L, 4L), "mem", Map.of()), counts);
    assertEquals(counts, AuditQuery.fromJson(new JsonObject(AuditQuery.toJson(counts).encode())));
    assertThrows(IllegalArgumentException.class, () -> AuditQuery.counts(List.of("cpu"),
        new JsonObject("{\"results\":[{\"statement_id\":0,\"error\":\"nope\"}]}")));
  }

  @Test
  void aRequestIsBounded() {
    assertTrue(SPAN.problem(1).isEmpty());
    assertTrue(SPAN.problem(0).isPresent());
    assertTrue(SPAN.problem(AuditQuery.MAX_MEASUREMENTS + 1).isPresent());
    assertTrue(new AuditQuery.Span(0, 3_600_000_000_000L * 3000, 3600).problem(1).orElseThrow().contains("at most"));
    assertTrue(new AuditQuery.Span(1, 3_600_000_000_000L, 3600).problem(1).isPresent(), "not aligned");
  }
}
