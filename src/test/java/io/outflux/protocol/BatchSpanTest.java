package io.outflux.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class BatchSpanTest {

  @Test
  void aSpanReadsBackAsWritten() {
    BatchSpan span = new BatchSpan(BatchSpan.HISTORY, "2049.131075.1f2e3d4c", 4096, 184096, true);
    assertEquals("v=2;lane=history;file=2049.131075.1f2e3d4c;from=4096;to=184096;verbatim", span.encode());
    assertEquals(Optional.of(span), BatchSpan.parse(span.encode()));
    BatchSpan rewritten = new BatchSpan(BatchSpan.LIVE, "1.2.3", 0, 10, false);
    assertEquals(Optional.of(rewritten), BatchSpan.parse(rewritten.encode()));
  }

  @Test
  void anythingElseIsNoSpanAndTheBatchGoesTheVersion1Way() {
    for (String header : new String[] {null, "", "v=1;lane=live;file=1.2.3;from=0;to=10",
        "v=3;lane=live;file=1.2.3;from=0;to=10", "v=2;lane=sideways;file=1.2.3;from=0;to=10",
        "v=2;lane=live;file=../etc;from=0;to=10", "v=2;lane=live;file=1.2.3;from=10;to=10",
        "v=2;lane=live;file=1.2.3;from=-1;to=10", "v=2;lane=live;file=1.2.3;from=x;to=10", "v=2;lane=live;from=0;to=1",
        "v=2;lane=live;file=1.2.3;from=0;to=" + "9".repeat(300)}) {
      assertTrue(BatchSpan.parse(header).isEmpty(), header);
    }
  }

  @Test
  void unknownPartsOfALaterMinorAdditionAreIgnored() {
    assertEquals(Optional.of(new BatchSpan(BatchSpan.LIVE, "1.2.3", 0, 10, false)),
        BatchSpan.parse("v=2; lane=live; file=1.2.3; from=0; to=10; stamp=1700000000"));
  }
}
