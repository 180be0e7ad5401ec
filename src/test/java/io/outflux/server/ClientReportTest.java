package io.outflux.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.outflux.protocol.StreamProtocol;
import io.outflux.protocol.WireProtocol;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ClientReportTest {

  @Test
  void aStreamReportReadsBackAsTheFiguresTheClientSent() {
    ClientReport r = ClientReport.fromStreamReport(new JsonObject(StreamProtocol.report(4096, 12, 1.5).encode()));
    assertEquals(new ClientReport(OptionalLong.of(4096), OptionalLong.of(12), OptionalDouble.of(1.5),
        java.util.Optional.of(io.outflux.metrics.BuildInfo.version()), false), r);
  }

  @Test
  void negativeMissingOrUnreadableStreamFiguresAreLeftOutNotRefused() {
    ClientReport r = ClientReport.fromStreamReport(new JsonObject()
        .put("type", "report").put("backlogBytes", -1).put("backlogLines", "many").put("lagSeconds", Double.NaN));
    assertEquals(ClientReport.NONE, r);
    assertEquals(ClientReport.NONE, ClientReport.fromStreamReport(new JsonObject().put("type", "report")));
    ClientReport nested = ClientReport.fromStreamReport(new JsonObject()
        .put("backlogBytes", new JsonObject()).put("backlogLines", "7").put("lagSeconds", "0.5"));
    assertEquals(new ClientReport(OptionalLong.empty(), OptionalLong.of(7), OptionalDouble.of(0.5)), nested);
  }

  @Test
  void theHeadersOfAPostAndTheStreamReportMeanTheSame() {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
        .add(WireProtocol.HEADER_BACKLOG_BYTES, "4096")
        .add(WireProtocol.HEADER_BACKLOG_LINES, "12")
        .add(WireProtocol.HEADER_LAG_SECONDS, "1.500")
        .add(WireProtocol.HEADER_CLIENT_VERSION, io.outflux.metrics.BuildInfo.version());
    assertEquals(ClientReport.fromHeaders(headers),
        ClientReport.fromStreamReport(StreamProtocol.report(4096, 12, 1.5)));
  }
}
