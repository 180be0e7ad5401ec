package io.outflux.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.cluster.StoredSpans;
import io.outflux.protocol.BatchSpan;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The position ledger ({@link StoredSpans}) and the server's cut ({@link SpanCut}) against a simple
 * model: a client reads spool files (rotation included, a reused inode under a new key), cuts batches
 * of random sizes, sends up to 4 at once and has them stored in any order; writes fail, replies are
 * lost, the client restarts from its checkpoint (the contiguous acknowledged prefix) and cuts again
 * differently. The model counts how often each line was written. Seeded: a failure names its seed.
 */
class SpanLedgerModelTest {

  /** One spool file: its key and the file offset where each line starts (and the end). */
  private record SpoolFile(String key, long[] starts, byte[] bytes) {
    int lines() {
      return starts.length - 1;
    }
  }

  /** A batch in flight: lines [first, last) of file f. */
  private record Sent(int file, int first, int last) {
  }

  @Test
  void noLineIsEverAcknowledgedUnstoredAndInOrderDeliveryWritesNothingTwice() {
    for (int seed = 0; seed < 300; seed++) {
      run(seed, false);
    }
  }

  @Test
  void anyOrderAndLostLedgerUpdatesStillLoseNothingAndTheStateStaysPerClient() {
    for (int seed = 1000; seed < 1300; seed++) {
      run(seed, true);
    }
  }

  private void run(long seed, boolean chaos) {
    Random random = new Random(seed);
    List<SpoolFile> files = new ArrayList<>();
    int fileCount = 1 + random.nextInt(4);
    for (int f = 0; f < fileCount; f++) {
      // the last file reuses the first one's inode: another first line, so another key
      files.add(file(random, f == fileCount - 1 && f > 0 ? "2049.17." + f : "2049." + (17 + f) + ".a", f));
    }
    int[][] written = new int[fileCount][];
    for (int f = 0; f < fileCount; f++) {
      written[f] = new int[files.get(f).lines()];
    }
    StoredSpans stored = StoredSpans.EMPTY;
    // client: checkpoint (file, line) and read position; acked batches beyond the checkpoint
    int ckFile = 0;
    int ckLine = 0;
    int readFile = 0;
    int readLine = 0;
    List<Sent> inFlight = new ArrayList<>();
    List<Sent> ackedAhead = new ArrayList<>();
    long lostRecords = 0;
    for (int step = 0; step < 5_000 && !(ckFile == fileCount - 1 && ckLine == files.get(ckFile).lines()); step++) {
      int action = random.nextInt(100);
      if (action < 3) { // kill -9 and restart from the checkpoint: what was in flight is forgotten, cut anew
        inFlight.clear();
        ackedAhead.clear();
        readFile = ckFile;
        readLine = ckLine;
        continue;
      }
      if (action < 45 && inFlight.size() < 4) {
        if (readLine == files.get(readFile).lines() && readFile < fileCount - 1) {
          readFile++; // batches never span two files
          readLine = 0;
        }
        int left = files.get(readFile).lines() - readLine;
        if (left > 0) {
          int n = 1 + random.nextInt(Math.min(left, 1 + random.nextInt(30)));
          inFlight.add(new Sent(readFile, readLine, readLine + n));
          readLine += n;
        }
        continue;
      }
      if (inFlight.isEmpty()) {
        continue;
      }
      Sent batch = inFlight.get(chaos ? random.nextInt(inFlight.size()) : 0);
      SpoolFile file = files.get(batch.file());
      long from = file.starts()[batch.first()];
      long to = file.starts()[batch.last()];
      BatchSpan span = new BatchSpan(BatchSpan.LIVE, file.key(), from, to, true);
      Buffer payload = Buffer.buffer(java.util.Arrays.copyOfRange(file.bytes(), (int) from, (int) to));
      if (random.nextInt(10) == 0) {
        continue; // InfluxDB unavailable: nothing written, the batch is sent again later
      }
      int skip = SpanCut.skip(span, stored.storedPrefix(span), payload);
      for (int line = batch.first(); line < batch.last(); line++) {
        if (file.starts()[line] - from >= skip) {
          written[batch.file()][line]++;
        }
      }
      if (chaos && random.nextInt(20) == 0) {
        lostRecords++; // stored, but the ledger update was lost (two nodes at once, map unreachable)
      } else {
        stored = stored.stored(span);
      }
      if (random.nextInt(10) == 0) {
        continue; // the reply was lost: the client sends the batch again
      }
      for (int line = batch.first(); line < batch.last(); line++) {
        assertTrue(written[batch.file()][line] > 0, "seed " + seed + ": acknowledged line " + line + " of file "
            + batch.file() + " was never written");
      }
      inFlight.remove(batch);
      ackedAhead.add(batch);
      // the checkpoint moves over the contiguous acknowledged prefix
      boolean moved = true;
      while (moved) {
        moved = false;
        if (ckLine == files.get(ckFile).lines() && ckFile < fileCount - 1) {
          ckFile++;
          ckLine = 0;
        }
        for (Sent a : ackedAhead) {
          if (a.file() == ckFile && a.first() == ckLine) {
            ckLine = a.last();
            ackedAhead.remove(a);
            moved = true;
            break;
          }
        }
      }
      assertTrue(stored.toJson().getJsonArray("files").size() <= 16, "seed " + seed);
    }
    assertEquals(fileCount - 1, ckFile, "seed " + seed + ": the model ran to the end");
    assertEquals(files.get(ckFile).lines(), ckLine, "seed " + seed);
    long twice = 0;
    for (int f = 0; f < fileCount; f++) {
      for (int line = 0; line < written[f].length; line++) {
        assertTrue(written[f][line] > 0, "seed " + seed + ": line " + line + " of file " + f + " lost");
        twice += written[f][line] - 1;
      }
    }
    if (!chaos) {
      assertEquals(0, twice, "seed " + seed + ": in-order delivery, every update recorded: nothing written twice");
    } else if (lostRecords == 0) {
      assertTrue(twice <= 4 * 30 * 20, "seed " + seed + ": " + twice);
    }
    // per client, not per batch: one range per file once everything is stored in order
    StoredSpans finalState = StoredSpans.fromJson(stored.toJson());
    assertEquals(stored.toJson(), finalState.toJson(), "the state survives its JSON form");
    if (!chaos) {
      assertEquals(fileCount, stored.toJson().getJsonArray("files").stream()
          .mapToInt(f -> ((io.vertx.core.json.JsonObject) f).getJsonArray("r").size()).sum(),
          "seed " + seed + ": " + stored.toJson());
    }
  }

  private static SpoolFile file(Random random, String key, int salt) {
    int lines = 20 + random.nextInt(300);
    long[] starts = new long[lines + 1];
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < lines; i++) {
      starts[i] = sb.length();
      sb.append("m,f=").append(salt).append(" v=").append(random.nextInt(1 << 20)).append('i')
          .append(" ".repeat(random.nextInt(20))).append(' ').append(1_700_000_000L + i).append('\n');
    }
    starts[lines] = sb.length();
    return new SpoolFile(key, starts, sb.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
  }
}
