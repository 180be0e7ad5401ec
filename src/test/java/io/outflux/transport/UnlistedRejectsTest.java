package io.outflux.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.batch.Batch;
import io.outflux.batch.Progress;
import io.outflux.lineprotocol.Precision;
import io.outflux.protocol.BatchReply;
import io.outflux.protocol.BatchReply.RejectedLine;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The client finds the refused lines a bounded reply did not name, by running the server's scanner. */
class UnlistedRejectsTest {

  @Test
  void theLinesBeyondTheListedOnesAreFoundInTheBatchItself() {
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < 250; i++) {
      body.append("good v=").append(i).append(' ').append(i + 1).append('\n');
      body.append("bad").append(i).append('\n'); // no field: invalid
    }
    List<RejectedLine> listed = new ArrayList<>();
    for (int i = 0; i < BatchReply.MAX_LISTED; i++) {
      listed.add(new RejectedLine("bad" + i, BatchReply.INVALID + ": missing fields"));
    }
    BatchReply reply = new BatchReply(7, 250, listed, 150, 1 << 20);
    List<RejectedLine> all = UnlistedRejects.find(batch(body.toString()), reply, Precision.NS);
    assertEquals(250, all.size(), "every refused line, listed or not");
    for (int i = 0; i < 250; i++) {
      assertEquals("bad" + i, all.get(i).line(), "in order, none twice");
    }
  }

  @Test
  void refusalsTheClientCannotFindAreCountedNotDropped() {
    BatchReply reply = new BatchReply(3, 1, List.of(new RejectedLine("", "field type conflict")), 4, 1024);
    List<RejectedLine> all = UnlistedRejects.find(batch("m v=1u 1\nm v=2 2\n"), reply, Precision.NS);
    assertEquals(2, all.size());
    assertTrue(all.get(1).reason().startsWith("4 more lines"), all.get(1).reason());
  }

  @Test
  void linesOverTheServersLineLimitAreFoundToo() {
    String big = "m v=\"" + "x".repeat(300) + "\" 1";
    BatchReply reply = new BatchReply(4, 1, List.of(), 1, 256);
    List<RejectedLine> all = UnlistedRejects.find(batch("m v=1 1\n" + big + "\n"), reply, Precision.NS);
    assertEquals(1, all.size());
    assertEquals(big, all.get(0).line());
  }

  private static Batch batch(String lines) {
    return new Batch(1, Buffer.buffer(lines), (int) lines.chars().filter(c -> c == '\n').count(), null, null,
        (Progress) null);
  }
}
