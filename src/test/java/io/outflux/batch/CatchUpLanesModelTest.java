package io.outflux.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.config.ConfigReader;
import io.outflux.protocol.BatchSpan;
import io.outflux.spool.Checkpoint;
import io.outflux.spool.FileId;
import io.outflux.spool.SpoolChunk;
import io.outflux.spool.SpoolPosition;
import io.outflux.testing.ModelRuns;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The lanes ({@link Lane}, {@link CatchUpLanes}) and the slot choice ({@link CatchUpScheduler}) driven
 * the way {@link BatchVerticle} drives them, against a model of the spool: the tail reads chunks of
 * random sizes into the live lane and, during a newest-first catch-up, the history lane; chunks that
 * do not fit wait (the tail's backpressure); the sync rule fires at random; batches are acknowledged
 * in any order; the process restarts from its checkpoint (a catch-up checkpoint resumes both lanes).
 * Invariants after every step: in each lane the batches carry exactly the lines given to it, in
 * order, none twice; no batch goes over the caps unless it is one line; a batch's span is its lines'
 * bytes; never more than maxInFlight in flight, history never in the last slot; live lines due are
 * never left waiting while a slot is free; the checkpoint passes only stored lines and never goes
 * back; at the end, every line is stored and the lanes have merged.
 */
class CatchUpLanesModelTest {

  private static final FileId FILE = new FileId(1, 2);
  private static final String KEY = "2049.17.abc";

  /** The spool: N lines of varying width, with their byte offsets. */
  private static final class Spool {
    final List<String> lines = new ArrayList<>();
    final long[] offsets;

    Spool(Random random, int n) {
      offsets = new long[n + 1];
      for (int i = 0; i < n; i++) {
        String line = "m,host=a v=" + i + "i" + " ".repeat(random.nextInt(3)) + " " + (1_000_000_000L + i)
            + (random.nextInt(20) == 0 ? " ".repeat(random.nextInt(300)) : "") + "\n";
        lines.add(line);
        offsets[i + 1] = offsets[i] + line.length();
      }
    }

    int size() {
      return lines.size();
    }

    SpoolPosition at(int line) {
      return new SpoolPosition(FILE, "metrics.lp", offsets[line], "");
    }

    int lineAt(long offset) {
      int i = java.util.Arrays.binarySearch(offsets, offset);
      if (i < 0) {
        throw new AssertionError("offset " + offset + " is not a line start");
      }
      return i;
    }

    String text(int from, int to) {
      return String.join("", lines.subList(from, to));
    }
  }

  /** A batch in flight: its lane and lines. */
  private record InFlight(Lane lane, boolean history, int first, int last) {
  }

  /** The batcher's lane logic, as BatchVerticle runs it, without the event bus. */
  private static final class Batcher {
    final SyncConfig config;
    final CatchUpLanes lanes;
    final Spool spool;
    final ModelRuns.Trace trace;
    final Map<Long, InFlight> inFlight = new LinkedHashMap<>();
    long nextSeq = 1;
    boolean tickDue;
    /** Model: what each lane was given and sent, as text in order. */
    final StringBuilder givenLive = new StringBuilder();
    final StringBuilder sentLive = new StringBuilder();
    final StringBuilder givenHistory = new StringBuilder();
    final StringBuilder sentHistory = new StringBuilder();
    /** Model: the next line each lane's batches start at. */
    int liveSentTo;
    int historySentTo;

    Batcher(SyncConfig config, Spool spool, SpoolPosition synced, ModelRuns.Trace trace) {
      this.config = config;
      this.spool = spool;
      this.lanes = new CatchUpLanes(synced);
      this.trace = trace;
      this.liveSentTo = spool.lineAt(synced.offset());
    }

    void split(Checkpoint.CatchUp catchUp) {
      assertTrue(lanes.split(catchUp));
      assertFalse(lanes.split(catchUp), "the same split again changes nothing");
      historySentTo = liveSentTo;
      liveSentTo = spool.lineAt(catchUp.live().offset());
    }

    /** The tail hands a chunk over; false when it waits (held) for the lane's pending lines to leave. */
    boolean offer(SpoolChunk chunk) {
      Lane lane = lanes.of(chunk);
      if (chunk.history() && chunk.lineCount() == 0) {
        lanes.historyRead();
        lanes.mergeIfDone();
        schedule();
        return true;
      }
      (chunk.history() ? givenHistory : givenLive).append(chunk.lines().toString(StandardCharsets.UTF_8));
      if (lane.isFull(config) || !lane.fits(chunk, config)) {
        lane.held = message(chunk);
        schedule();
        return false;
      }
      lane.take(chunk, config);
      schedule();
      return true;
    }

    boolean liveDue() {
      Lane live = lanes.live;
      return live.pendingLines > 0 && (tickDue || live.mustSend() || live.pendingLines >= config.sizeLines());
    }

    void schedule() {
      while (true) {
        boolean liveDue = liveDue();
        CatchUpScheduler.Next next = CatchUpScheduler.next(liveDue, lanes.historyDue(config),
            lanes.live.acks.size(), lanes.historyInFlight(), config.maxInFlight());
        if (next == CatchUpScheduler.Next.NONE) {
          assertFalse(liveDue && lanes.inFlight() < config.maxInFlight(), "live lines due wait with a slot free");
          return;
        }
        assertTrue(!liveDue || next == CatchUpScheduler.Next.LIVE, "history went before live lines due");
        send(next == CatchUpScheduler.Next.LIVE ? lanes.live : lanes.history);
        assertTrue(lanes.inFlight() <= config.maxInFlight(), "in flight " + lanes.inFlight());
        if (lanes.catchingUp()) {
          assertTrue(lanes.historyInFlight() <= Math.max(1, config.maxInFlight() - 1),
              "history batches took the last slot: " + lanes.historyInFlight() + " of " + config.maxInFlight());
        }
      }
    }

    void send(Lane lane) {
      boolean history = lane == lanes.history;
      long seq = nextSeq++;
      String payload = lane.pending.toString(StandardCharsets.UTF_8);
      assertTrue(lane.pendingLines <= config.maxBatchLines() || lane.pendingLines == 1, "lines " + lane.pendingLines);
      assertTrue(lane.pending.length() <= config.maxBatchSize() || lane.pendingLines == 1, "bytes "
          + lane.pending.length());
      int first = history ? historySentTo : liveSentTo;
      int last = first + lane.pendingLines;
      assertEquals(spool.text(first, last), payload, "the lane's batches carry its lines in order, each once");
      BatchSpan span = lane.span.span(lane.name);
      if (span != null) {
        assertEquals(spool.offsets[first], span.from(), "span start");
        assertEquals(spool.offsets[last], span.to(), "span end");
        assertEquals(history ? BatchSpan.HISTORY : BatchSpan.LIVE, span.lane());
      }
      if (lane.pendingEnd != null) {
        assertEquals(spool.offsets[last], lane.pendingEnd.offset(), "a batch's end is right after its lines");
      }
      trace.add("send #%d %s lines [%d,%d)", seq, history ? "history" : "live", first, last);
      (history ? sentHistory : sentLive).append(payload);
      if (history) {
        historySentTo = last;
      } else {
        liveSentTo = last;
        tickDue = false;
      }
      lane.acks.sent(seq, lane.pendingEnd, lane.pendingLines);
      inFlight.put(seq, new InFlight(lane, history, first, last));
      lane.clearPending();
      if (!lane.takeOverflow(config) && lane.held != null) {
        SpoolChunk next = lane.held.body();
        lane.held = null;
        lane.take(next, config);
      }
    }

    void ack(long seq) {
      InFlight b = inFlight.remove(seq);
      b.lane().acks.acked(seq).ifPresent(advance -> {
        if (advance.end() != null) {
          b.lane().synced = advance.end();
        }
      });
      lanes.mergeIfDone();
      schedule();
    }
  }

  @SuppressWarnings("unchecked")
  private static Message<SpoolChunk> message(SpoolChunk chunk) {
    return (Message<SpoolChunk>) Proxy.newProxyInstance(Message.class.getClassLoader(), new Class<?>[] {Message.class},
        (proxy, method, args) -> method.getName().equals("body") ? chunk : null);
  }

  private static SyncConfig config(Random random) {
    int maxBatchLines = 1 + random.nextInt(60);
    JsonObject sync = new JsonObject().put("rule", "size").put("sizeLines", 1 + random.nextInt(maxBatchLines))
        .put("maxBatchLines", maxBatchLines).put("maxBatchSize", 1024 + random.nextInt(4096))
        .put("maxInFlight", 1 + random.nextInt(5));
    return SyncConfig.from(ConfigReader.root(new JsonObject().put("sync", sync), "test", "client", Map.of())
        .section("sync"));
  }

  @Test
  void everyLineIsSentOncePerLaneInOrderAndTheCheckpointOnlyPassesStoredLines() {
    ModelRuns.check("CatchUpLanes", 0, 400, CatchUpLanesModelTest::run);
  }

  @Test
  void replaysOneSeed() {
    ModelRuns.replay("CatchUpLanes", ModelRuns.replaySeed(), CatchUpLanesModelTest::run);
  }

  private static void run(Random random, ModelRuns.Trace trace) {
    Spool spool = new Spool(random, 50 + random.nextInt(300));
    SyncConfig config = config(random);
    trace.add("spool of %d lines, %s", spool.size(), config);
    boolean[] stored = new boolean[spool.size()];
    Checkpoint checkpoint = new Checkpoint(spool.at(0), 0);
    Batcher batcher = null;
    int liveRead = 0;
    int historyRead = 0;
    int boundary = -1;
    boolean historyEndTold = false;
    for (int step = 0; step < 20_000; step++) {
      if (batcher == null) { // (re)start from the checkpoint
        SpoolPosition synced = checkpoint.synced();
        batcher = new Batcher(config, spool, synced, trace);
        liveRead = spool.lineAt(synced.offset());
        boundary = -1;
        Checkpoint.CatchUp resume = checkpoint.catchUp();
        if (resume == null && liveRead < spool.size() && random.nextBoolean()) {
          int b = liveRead + 1 + random.nextInt(spool.size() - liveRead);
          resume = new Checkpoint.CatchUp(spool.at(b), spool.at(b));
        }
        if (resume != null) {
          boundary = spool.lineAt(resume.boundary().offset());
          historyRead = liveRead;
          liveRead = spool.lineAt(resume.live().offset());
          historyEndTold = false;
          trace.add("start from line %d, catch-up: history up to %d, live from %d", historyRead, boundary, liveRead);
          batcher.split(resume);
        } else {
          trace.add("start from line %d", liveRead);
        }
      }
      Lane live = batcher.lanes.live;
      Lane history = batcher.lanes.history;
      int action = random.nextInt(100);
      if (action < 2) {
        trace.add("restart");
        batcher = null;
        continue;
      } else if (action < 30 && live.held == null && liveRead < spool.size()) {
        int n = 1 + random.nextInt(Math.min(spool.size() - liveRead, 1 + random.nextInt(80)));
        trace.add("read live [%d,%d)", liveRead, liveRead + n);
        batcher.offer(chunk(spool, liveRead, liveRead + n, false));
        liveRead += n;
      } else if (action < 55 && history != null && history.held == null && !historyEndTold) {
        if (historyRead == boundary) {
          trace.add("history read up to the boundary");
          batcher.offer(new SpoolChunk(spool.at(boundary), spool.at(boundary), Buffer.buffer(), 0, true, KEY, true));
          historyEndTold = true;
        } else {
          int n = 1 + random.nextInt(Math.min(boundary - historyRead, 1 + random.nextInt(80)));
          trace.add("read history [%d,%d)", historyRead, historyRead + n);
          batcher.offer(chunk(spool, historyRead, historyRead + n, true));
          historyRead += n;
        }
      } else if (action < 60) {
        trace.add("tick");
        batcher.tickDue = live.pendingLines > 0;
        batcher.schedule();
      } else if (!batcher.inFlight.isEmpty()) {
        List<Long> seqs = new ArrayList<>(batcher.inFlight.keySet());
        long seq = seqs.get(random.nextInt(3) == 0 ? random.nextInt(seqs.size()) : 0);
        InFlight b = batcher.inFlight.get(seq);
        trace.add("ack #%d (%s [%d,%d))", seq, b.history() ? "history" : "live", b.first(), b.last());
        for (int line = b.first(); line < b.last(); line++) {
          stored[line] = true;
        }
        batcher.ack(seq);
      } else if (liveRead == spool.size() && batcher.lanes.pendingLines() == 0 && !batcher.lanes.catchingUp()) {
        break; // everything read, sent and acknowledged
      } else {
        continue;
      }
      checkpoint = checked(batcher, spool, stored, checkpoint, boundary);
    }
    assertTrue(batcher != null && !batcher.lanes.catchingUp(), "the lanes merged");
    assertEquals(spool.offsets[spool.size()], checkpoint.synced().offset(), "the run reached the end of the spool");
    assertNull(checkpoint.catchUp());
    for (int line = 0; line < spool.size(); line++) {
      assertTrue(stored[line], "line " + line + " never stored");
    }
  }

  /** The checkpoint now: passes only stored lines, never goes back; returned to restart from. */
  private static Checkpoint checked(Batcher batcher, Spool spool, boolean[] stored, Checkpoint before, int boundary) {
    Checkpoint now = batcher.lanes.checkpoint(0);
    int synced = spool.lineAt(now.synced().offset());
    for (int line = spool.lineAt(before.synced().offset()); line < synced; line++) { // the lines before: checked
      assertTrue(stored[line], "the checkpoint (line " + synced + ") passed line " + line + ", never stored");
    }
    assertTrue(now.synced().offset() >= before.synced().offset(), "the checkpoint went back: " + before + " -> " + now);
    if (now.catchUp() != null) {
      int b = spool.lineAt(now.catchUp().boundary().offset());
      int liveSynced = spool.lineAt(now.catchUp().live().offset());
      assertEquals(boundary, b, "the boundary stays");
      assertTrue(synced <= b, "history synced past the boundary");
      int from = before.catchUp() == null ? b : spool.lineAt(before.catchUp().live().offset());
      for (int line = from; line < liveSynced; line++) {
        assertTrue(stored[line], "the live position (line " + liveSynced + ") passed line " + line + ", never stored");
      }
      if (before.catchUp() != null) {
        assertTrue(now.catchUp().live().offset() >= before.catchUp().live().offset(), "the live position went back");
      }
    }
    // what each lane sent is exactly what it was given, in order, so far (the rest is pending or held)
    assertTrue(batcher.givenLive.toString().startsWith(batcher.sentLive.toString()), "live lines out of order");
    assertTrue(batcher.givenHistory.toString().startsWith(batcher.sentHistory.toString()),
        "history lines out of order");
    return now;
  }

  private static SpoolChunk chunk(Spool spool, int from, int to, boolean history) {
    return new SpoolChunk(spool.at(from), spool.at(to), Buffer.buffer(spool.text(from, to)), to - from, history, KEY,
        true);
  }
}
