package io.outflux.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.config.ConfigReader;
import io.outflux.protocol.BatchSpan;
import io.outflux.spool.FileId;
import io.outflux.spool.SpoolChunk;
import io.outflux.spool.SpoolPosition;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The spans a lane gives its batches, against the files the chunks came from: random chunk sizes
 * (some larger than a batch, so they are cut), rotations, rewritten chunks. Seeded.
 */
class LaneSpanTest {

  private static final SyncConfig CONFIG = SyncConfig.from(ConfigReader.root(new JsonObject().put("sync",
      new JsonObject().put("rule", "interval").put("maxBatchLines", 7)), "test", "client", Map.of()).section("sync"));

  private record Sent(Buffer payload, BatchSpan span) {
  }

  @Test
  void everyBatchNamesExactlyTheBytesItCarriesAndNeverSpansTwoFiles() {
    for (long seed = 0; seed < 500; seed++) {
      Random random = new Random(seed);
      Lane lane = new Lane(SpoolPosition.START);
      List<Sent> sent = new ArrayList<>();
      List<byte[]> files = new ArrayList<>();
      for (int f = 0; f < 1 + random.nextInt(4); f++) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 10 + random.nextInt(80); i++) {
          sb.append("m,f=").append(f).append(" v=").append(random.nextInt(1000)).append("i ").append(i).append('\n');
        }
        byte[] bytes = sb.toString().getBytes(StandardCharsets.US_ASCII);
        files.add(bytes);
        int line = 0;
        String[] lines = sb.toString().split("\n");
        long offset = 0;
        while (line < lines.length) {
          int n = 1 + random.nextInt(Math.min(lines.length - line, 12));
          long start = offset;
          StringBuilder chunk = new StringBuilder();
          for (int i = 0; i < n; i++) {
            chunk.append(lines[line + i]).append('\n');
          }
          offset += chunk.length();
          boolean verbatim = random.nextInt(10) > 0;
          Buffer payload = Buffer.buffer(verbatim ? chunk.toString() : chunk.toString().replace("\n", " 5\n"));
          FileId id = new FileId(2049, 17 + f);
          SpoolChunk c = new SpoolChunk(new SpoolPosition(id, "m.lp", start, ""), new SpoolPosition(id, "m.lp", offset, ""),
              payload, n, false, "2049." + (17 + f) + ".c" + f, verbatim);
          while (lane.pendingLines > 0 && (lane.isFull(CONFIG) || !lane.fits(c, CONFIG))) {
            send(lane, sent);
          }
          lane.add(c, CONFIG);
          line += n;
        }
      }
      while (lane.pendingLines > 0) {
        send(lane, sent);
      }
      long[] next = new long[files.size()];
      for (Sent s : sent) {
        if (s.span() == null) {
          continue; // a rewritten chunk cut in two: the head's end is not known
        }
        int f = Integer.parseInt(s.span().file().substring(s.span().file().lastIndexOf('c') + 1));
        assertEquals(BatchSpan.LIVE, s.span().lane());
        assertTrue(s.span().from() >= next[f], "seed " + seed + ": spans of one file do not overlap");
        next[f] = s.span().to();
        if (s.span().verbatim()) {
          assertArrayEquals(Arrays.copyOfRange(files.get(f), (int) s.span().from(), (int) s.span().to()),
              s.payload().getBytes(), "seed " + seed + ": a verbatim batch is the file's bytes of its span");
        }
      }
      assertTrue(sent.stream().filter(s -> s.span() != null).count() >= sent.size() / 2, "seed " + seed
          + ": most batches carry a span");
    }
  }

  @Test
  void aChunkOfAnotherFileStartsTheNextBatch() {
    Lane lane = new Lane(SpoolPosition.START);
    lane.add(chunk("a", 0, "x v=1 1\n", true), CONFIG);
    assertTrue(lane.fits(chunk("a", 8, "x v=2 2\n", true), CONFIG));
    assertTrue(!lane.fits(chunk("b", 0, "x v=2 2\n", true), CONFIG), "rotation");
    assertTrue(!lane.fits(chunk("a", 16, "x v=2 2\n", true), CONFIG), "a gap");
    lane.add(chunk("a", 8, "x v=2 2\n", false), CONFIG);
    BatchSpan span = lane.span.span(lane.name);
    assertNotNull(span);
    assertEquals(new BatchSpan(BatchSpan.LIVE, "a", 0, 16, false), span);
    lane.clearPending();
    assertNull(lane.span.span(lane.name));
    lane.add(new SpoolChunk(new SpoolPosition(0), new SpoolPosition(8), Buffer.buffer("x v=1 1\n"), 1), CONFIG);
    assertNull(lane.span.span(lane.name), "a chunk without a file key: no span, the server dedupes by content");
  }

  private static SpoolChunk chunk(String file, long from, String lines, boolean verbatim) {
    return new SpoolChunk(new SpoolPosition(from), new SpoolPosition(from + lines.length()), Buffer.buffer(lines),
        1, false, file, verbatim);
  }

  private static void send(Lane lane, List<Sent> sent) {
    sent.add(new Sent(lane.pending, lane.span.span(lane.name)));
    lane.clearPending();
    lane.takeOverflow(CONFIG);
  }
}
