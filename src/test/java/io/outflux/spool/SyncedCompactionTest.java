package io.outflux.spool;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.lineprotocol.Precision;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class SyncedCompactionTest {

  /** A reader host that nothing in these tests calls: the readers only keep their file lists here. */
  private static final SpoolReader.Host IDLE = new SpoolReader.Host() {
    @Override
    public Future<Void> quarantine(List<DeadLetter> letters) {
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> journal(StampJournal.Entry entry) {
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> send(SpoolChunk chunk) {
      return Future.succeededFuture();
    }

    @Override
    public void truncated(FileId file) {
    }

    @Override
    public void lost(LossLedger.Loss loss) {
    }
  };

  /**
   * A catch-up split (or merge) while a synced archive is being deleted replaces the readers: the new
   * ones must learn the archive is gone too, or a new spool file that gets the deleted archive's
   * inode counts as read and is skipped. (The readers used to be fixed when the compaction started.)
   */
  @Test
  void readersThatReplacedTheOnesAtTheStartOfADeletionLearnTheArchiveIsGone(Vertx vertx, @TempDir Path dir)
      throws Exception {
    Path spool = dir.resolve("metrics.lp");
    Path archive = dir.resolve("metrics.lp.1");
    Files.writeString(archive, "m v=1i 1\n");
    Files.writeString(spool, "m v=2i 2\n");
    FileId archived = FileId.of(archive);
    long size = Files.size(archive);
    SpoolConfig config = SpoolConfig.defaults(spool);
    SpoolFiles files = new SpoolFiles(spool, SpoolFiles.ownNames(config));
    StampJournal stamps = new StampJournal(dir.resolve("stamps"));
    SpoolReader before = reader(vertx, config, files, stamps, archived);
    before.finishedBefore(List.of(new ReadFiles.Finished(archived, size)));
    SpoolReader after = reader(vertx, config, files, stamps, archived); // e.g. a split's new live reader
    AtomicInteger asked = new AtomicInteger();
    Supplier<List<SpoolReader>> readers = () -> asked.getAndIncrement() == 0 ? List.of(before) : List.of(after);
    SyncedCompaction compaction = new SyncedCompaction(vertx, config, files, stamps, new Compactor());

    vertx.runOnContext(v -> compaction.compact(new SpoolPosition(archived, archive.getFileName().toString(), size, ""),
        readers));

    await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(archive));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertFalse(after.done().contains(archived),
        "the reader that took over during the deletion must not count the deleted inode as read"));
    assertTrue(Files.exists(spool), "the active file stays");
  }

  private static SpoolReader reader(Vertx vertx, SpoolConfig config, SpoolFiles files, StampJournal stamps, FileId done) {
    return new SpoolReader(vertx, config, Precision.NS, files, stamps, IDLE, null, null, List.of(done));
  }
}
