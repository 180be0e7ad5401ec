package io.outflux.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.protocol.BatchSpan;
import io.outflux.spool.SpoolPosition;
import io.outflux.testing.ModelRuns;
import io.vertx.core.buffer.Buffer;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The body splitters against a model (the list of lines): a chunk cut to the batch caps
 * ({@link LineCut#head}, as {@link Lane} cuts a chunk too large for one batch), a batch halved on
 * every 413 until the parts fit ({@link LineCut#half}, {@link OversizeSplit#halves}), and the
 * server's cut of a body under InfluxDB 1.x's limit ({@code io.outflux.ingest.BodySplitter}). For
 * random lines (some longer than every cap) and random caps: the parts concatenate to the original
 * lines in order, each part holds whole lines, no part is over a cap unless it is a single line, and
 * a head is as long as the caps allow (a cut never comes early).
 */
class SplitModelTest {

  private static List<String> lines(Random random) {
    List<String> lines = new ArrayList<>();
    int n = random.nextInt(120);
    for (int i = 0; i < n; i++) {
      if (random.nextInt(15) == 0) { // the splitters take any bytes: tiny lines too
        lines.add(random.nextBoolean() ? "\n" : "a\n");
        continue;
      }
      int width = random.nextInt(10) == 0 ? random.nextInt(3000) : random.nextInt(80);
      lines.add("m v=" + i + "i " + "x".repeat(width) + "\n");
    }
    return lines;
  }

  private static int bytes(List<String> lines, int from, int to) {
    int n = 0;
    for (int i = from; i < to; i++) {
      n += lines.get(i).length();
    }
    return n;
  }

  @Test
  void aChunkCutToTheBatchCapsKeepsEveryLineInOrderAndEachHeadIsAsLongAsTheCapsAllow() {
    ModelRuns.check("LineCut.head", 0, 500, SplitModelTest::heads);
  }

  @Test
  void aBatchHalvedOn413UntilThePartsFitKeepsEveryLineInOrderAndOnlySingleLinesAreOverTheLimit() {
    ModelRuns.check("413 halving", 0, 500, SplitModelTest::halving);
  }

  @Test
  void aBodyCutUnderInfluxDbsLimitKeepsEveryLineInOrder() {
    ModelRuns.check("BodySplitter", 0, 500, SplitModelTest::bodySplit);
  }

  @Test
  void replaysOneSeed() {
    long seed = ModelRuns.replaySeed();
    ModelRuns.replay("LineCut.head", seed, SplitModelTest::heads);
    ModelRuns.replay("413 halving", seed, SplitModelTest::halving);
    ModelRuns.replay("BodySplitter", seed, SplitModelTest::bodySplit);
  }

  private static void heads(Random random, ModelRuns.Trace trace) {
    List<String> lines = lines(random);
    int maxLines = 1 + random.nextInt(50);
    long maxBytes = 1 + random.nextInt(5000);
    trace.add("%d lines (%d bytes), caps %d lines %d bytes", lines.size(), bytes(lines, 0, lines.size()), maxLines,
        maxBytes);
    Buffer rest = Buffer.buffer(String.join("", lines));
    int at = 0; // model: the next line
    while (rest.length() > 0) {
      LineCut.Cut cut = LineCut.head(rest, maxLines, maxBytes);
      trace.add("head of line %d: %d lines, %d bytes", at, cut.lines(), cut.bytes());
      assertTrue(cut.lines() >= 1, "a head holds a line");
      assertTrue(at + cut.lines() <= lines.size(), "more lines than there are");
      assertEquals(bytes(lines, at, at + cut.lines()), cut.bytes(), "the head is whole lines, the next ones");
      assertTrue(cut.lines() <= maxLines, "over maxLines");
      assertTrue(cut.bytes() <= maxBytes || cut.lines() == 1, "over maxBytes with more than one line");
      int next = at + cut.lines();
      if (next < lines.size() && cut.lines() < maxLines) {
        assertTrue(cut.bytes() + lines.get(next).length() > maxBytes, "the head stopped early: line " + next
            + " would have fit");
      }
      assertEquals(String.join("", lines.subList(at, next)), rest.slice(0, cut.bytes()).toString(StandardCharsets.UTF_8));
      rest = rest.slice(cut.bytes(), rest.length());
      at = next;
    }
    assertEquals(lines.size(), at, "every line was in a head");
  }

  private static void halving(Random random, ModelRuns.Trace trace) {
    List<String> lines = lines(random);
    if (lines.isEmpty()) {
      return;
    }
    int limit = 64 + random.nextInt(4000); // the server's body limit
    String text = String.join("", lines);
    SpoolPosition end = new SpoolPosition(text.length());
    BatchSpan span = new BatchSpan(BatchSpan.LIVE, "2049.17.abc", 100, 100 + text.length(), true);
    Batch whole = new Batch(1, Buffer.buffer(text), lines.size(), new SpoolPosition(0), end, Progress.NONE, span);
    trace.add("%d lines (%d bytes), server limit %d", lines.size(), text.length(), limit);
    long nextSeq = 2;
    // parts in spool order: a 413 replaces a part by its halves in its place, as the AckTracker does
    List<Batch> settled = new ArrayList<>();
    List<Integer> firstLine = new ArrayList<>();
    Deque<Batch> todo = new ArrayDeque<>(List.of(whole));
    Deque<Integer> todoFirst = new ArrayDeque<>(List.of(0));
    int parts = 0;
    while (!todo.isEmpty()) {
      Batch b = todo.pollFirst();
      int first = todoFirst.pollFirst();
      assertTrue(++parts <= 4 * lines.size(), "too many parts");
      if (b.bytes() <= limit || b.lines() <= 1) { // stored, or a single line dead-lettered as it is
        trace.add("#%d lines [%d,%d) %s", b.seq(), first, first + b.lines(), b.bytes() <= limit ? "stored"
            : "dead-lettered");
        settled.add(b);
        firstLine.add(first);
        continue;
      }
      LineCut.Cut cut = LineCut.half(b.payload(), b.lines());
      OversizeSplit.Halves halves = OversizeSplit.halves(b, cut, nextSeq++, nextSeq++);
      trace.add("413 #%d -> #%d (%d lines) + #%d (%d lines)", b.seq(), halves.a().seq(), halves.a().lines(),
          halves.b().seq(), halves.b().lines());
      assertEquals(b.lines() / 2, halves.a().lines(), "halved by lines");
      assertEquals(b.lines(), halves.a().lines() + halves.b().lines());
      assertEquals(b.payload().toString(StandardCharsets.UTF_8), halves.a().payload().toString(StandardCharsets.UTF_8)
          + halves.b().payload().toString(StandardCharsets.UTF_8), "the halves are the batch");
      assertEquals(String.join("", lines.subList(first, first + halves.a().lines())),
          halves.a().payload().toString(StandardCharsets.UTF_8), "the first half is the first lines");
      assertNull(halves.a().end(), "only the second half moves the checkpoint");
      assertEquals(b.end(), halves.b().end());
      if (b.span() != null) {
        assertEquals(b.span().from(), halves.a().span().from());
        assertEquals(halves.a().span().to(), halves.b().span().from(), "the spans meet");
        assertEquals(b.span().to(), halves.b().span().to());
        assertEquals(halves.a().bytes(), halves.a().span().length(), "a span covers its part's bytes");
      }
      todo.addFirst(halves.b());
      todo.addFirst(halves.a());
      todoFirst.addFirst(first + halves.a().lines());
      todoFirst.addFirst(first);
    }
    StringBuilder all = new StringBuilder();
    int at = 0;
    for (int i = 0; i < settled.size(); i++) {
      Batch b = settled.get(i);
      assertEquals(at, firstLine.get(i), "parts in order");
      assertTrue(b.bytes() <= limit || (b.lines() == 1 && lines.get(at).length() > limit), "part over the limit");
      all.append(b.payload().toString(StandardCharsets.UTF_8));
      at += b.lines();
    }
    assertEquals(text, all.toString(), "the parts are the batch, in order");
    assertEquals(end, settled.get(settled.size() - 1).end(), "the last part carries the batch's end");
  }

  private static final Method BODY_SPLIT;

  static {
    try { // package-private in io.outflux.ingest (the server's InfluxDB writer); tested here from its contract
      BODY_SPLIT = Class.forName("io.outflux.ingest.BodySplitter").getDeclaredMethod("split", Buffer.class, int.class);
      BODY_SPLIT.setAccessible(true);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static List<Buffer> bodySplit(Buffer body, int maxBytes) {
    try {
      return (List<Buffer>) BODY_SPLIT.invoke(null, body, maxBytes);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  private static void bodySplit(Random random, ModelRuns.Trace trace) {
    List<String> lines = new ArrayList<>(lines(random));
    if (!lines.isEmpty() && random.nextInt(4) == 0) { // a body need not end with a newline
      String last = lines.remove(lines.size() - 1);
      lines.add(random.nextBoolean() ? "a" : last.substring(0, Math.max(1, last.length() - 1)));
    }
    int maxBytes = 1 + random.nextInt(6000);
    String text = String.join("", lines);
    trace.add("%d lines (%d bytes), max %d bytes", lines.size(), text.length(), maxBytes);
    List<Buffer> parts = bodySplit(Buffer.buffer(text), maxBytes);
    int at = 0;
    StringBuilder all = new StringBuilder();
    for (Buffer part : parts) {
      String s = part.toString(StandardCharsets.UTF_8);
      int n = (int) s.chars().filter(c -> c == '\n').count() + (s.endsWith("\n") ? 0 : 1);
      trace.add("part of %d lines, %d bytes", n, s.length());
      assertTrue(n >= 1 && !s.isEmpty(), "an empty part");
      assertEquals(String.join("", lines.subList(at, at + n)), s, "a part is whole lines, the next ones");
      assertTrue(s.length() <= maxBytes || n == 1, "a part over the limit with more than one line");
      if (at + n < lines.size()) {
        assertTrue(s.length() + lines.get(at + n).length() > maxBytes, "the part stopped early: line " + (at + n)
            + " would have fit");
      }
      all.append(s);
      at += n;
    }
    assertEquals(lines.size(), at, "every line is in a part");
    assertEquals(text, all.toString());
  }
}
