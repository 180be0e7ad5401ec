package io.outflux.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointStoreTest {

  @TempDir
  Path dir;

  private static Checkpoint at(long offset, long seq) {
    return new Checkpoint(new SpoolPosition(new FileId(2049, 77), "metrics.lp", offset, "YWJj"), seq);
  }

  private Path file() {
    return dir.resolve("metrics.lp.checkpoint");
  }

  @Test
  void savesAlternateSlotsInPlaceInAFileThatNeverChangesSizeOrInode() throws Exception {
    CheckpointStore store = new CheckpointStore(file());
    store.save(at(10, 1));
    Object inode = Files.getAttribute(file(), "unix:ino");
    assertEquals(CheckpointSlots.FILE_SIZE, Files.size(file()));
    for (int i = 2; i <= 9; i++) {
      store.save(at(10L * i, i));
      assertEquals(inode, Files.getAttribute(file(), "unix:ino"), "overwritten in place, no temp file");
      assertEquals(CheckpointSlots.FILE_SIZE, Files.size(file()));
      assertEquals(at(10L * i, i), new CheckpointStore(file()).load());
    }
    CheckpointStore.Inspection in = new CheckpointStore(file()).inspect();
    assertEquals(at(90, 9), in.slots()[in.generation() % 2 == 0 ? 0 : 1].checkpoint());
    assertEquals(at(80, 8), in.slots()[in.generation() % 2 == 0 ? 1 : 0].checkpoint(), "the other slot: the previous");
  }

  @Test
  void aTornWriteTruncatingTheFileMidSlotFallsBackToTheOtherSlotAndTheNextSaveRepairsIt() throws Exception {
    CheckpointStore store = new CheckpointStore(file());
    store.save(at(10, 1));
    store.save(at(20, 2)); // generation 3: slot B (odd)
    long gen = store.inspect().generation();
    // tear the newest slot: cut the file in its middle
    long newestAt = CheckpointSlots.slotOffset(gen);
    try (RandomAccessFile f = new RandomAccessFile(file().toFile(), "rw")) {
      f.setLength(newestAt == 0 ? 30 : CheckpointSlots.SLOT_SIZE + 30);
    }
    CheckpointStore.Inspection in = new CheckpointStore(file()).inspect();
    assertTrue(in.warning().orElseThrow().contains("is damaged (torn"), in.warning().orElseThrow());
    if (newestAt != 0) {
      assertEquals(at(10, 1), new CheckpointStore(file()).load(), "the other slot: the previous checkpoint");
    }
    CheckpointStore reopened = new CheckpointStore(file());
    reopened.load();
    reopened.save(at(30, 3));
    assertEquals(at(30, 3), new CheckpointStore(file()).load());
    reopened.save(at(40, 4));
    CheckpointStore.Inspection repaired = new CheckpointStore(file()).inspect();
    assertTrue(repaired.warning().isEmpty(), "both slots valid again: " + repaired.warning());
  }

  @Test
  void aSlotOverwrittenWithGarbageFallsBackToTheOther() throws Exception {
    CheckpointStore store = new CheckpointStore(file());
    store.save(at(10, 1));
    store.save(at(20, 2));
    long gen = store.inspect().generation();
    byte[] garbage = new byte[CheckpointSlots.SLOT_SIZE];
    new Random(1).nextBytes(garbage);
    try (RandomAccessFile f = new RandomAccessFile(file().toFile(), "rw")) {
      f.seek(CheckpointSlots.slotOffset(gen));
      f.write(garbage);
    }
    assertEquals(at(10, 1), new CheckpointStore(file()).load());
    assertTrue(new CheckpointStore(file()).inspect().warning().orElseThrow().contains("not a checkpoint slot"));
  }

  @Test
  void aFlippedByteIsCaughtByTheChecksum() throws Exception {
    CheckpointStore store = new CheckpointStore(file());
    store.save(at(10, 1));
    store.save(at(20, 2));
    long gen = store.inspect().generation();
    try (RandomAccessFile f = new RandomAccessFile(file().toFile(), "rw")) {
      long at = CheckpointSlots.slotOffset(gen) + 40;
      f.seek(at);
      int b = f.read();
      f.seek(at);
      f.write(b ^ 0x04);
    }
    assertEquals(at(10, 1), new CheckpointStore(file()).load());
    assertTrue(new CheckpointStore(file()).inspect().warning().orElseThrow().contains("checksum mismatch"));
  }

  @Test
  void bothSlotsDamagedStopsWithOneLineNamingFileDamageAndTheRecoveringCommands() throws Exception {
    new CheckpointStore(file()).save(at(10, 1));
    byte[] garbage = new byte[5000];
    new Random(2).nextBytes(garbage);
    Files.write(file(), garbage);
    CheckpointStore.DamagedException e = assertThrows(CheckpointStore.DamagedException.class,
        () -> new CheckpointStore(file()).load());
    String m = e.getMessage();
    assertFalse(m.contains("\n"), m);
    assertTrue(m.contains(file().toString()), m);
    assertTrue(m.contains("slot A: not a checkpoint slot"), m);
    assertTrue(m.contains("slot B: not a checkpoint slot"), m);
    assertTrue(m.contains("outflux checkpoint inspect") && m.contains("--from-start") && m.contains("--from-end"), m);
  }

  @Test
  void anEmptyFileIsDamagedNotASilentResendFromTheStart() throws Exception {
    Files.write(file(), new byte[0]);
    assertThrows(CheckpointStore.DamagedException.class, () -> new CheckpointStore(file()).load());
  }

  @Test
  void aJsonCheckpointOfAnEarlierReleaseIsReadAndMigratedToSlotsAtTheFirstSave() throws Exception {
    Files.writeString(file(), "{\"version\":2,\"file\":{\"dev\":2049,\"ino\":77,\"name\":\"metrics.lp\"},"
        + "\"offset\":10,\"tail\":\"YWJj\",\"lastAckedSeq\":1}\n");
    CheckpointStore store = new CheckpointStore(file());
    assertEquals(at(10, 1), store.load());
    assertTrue(store.inspect().legacy());
    store.prepare(at(10, 1));
    assertFalse(store.inspect().legacy());
    assertEquals(CheckpointSlots.FILE_SIZE, Files.size(file()));
    assertEquals(at(10, 1), new CheckpointStore(file()).load());
    store.save(at(20, 2));
    assertEquals(at(20, 2), new CheckpointStore(file()).load());
  }

  @Test
  void aCorruptJsonCheckpointIsDamagedWithItsCause() throws Exception {
    Files.writeString(file(), "{\"version\":2,\"file\":");
    String m = assertThrows(CheckpointStore.DamagedException.class, () -> new CheckpointStore(file()).load())
        .getMessage();
    assertTrue(m.contains("earlier release that does not parse"), m);
  }

  @Test
  void aSecondStoreOnTheSameFileContinuesItsGenerationsInPlace() throws Exception {
    CheckpointStore first = new CheckpointStore(file());
    first.load();
    first.prepare(Checkpoint.EMPTY);
    Object inode = Files.getAttribute(file(), "unix:ino");
    CheckpointStore second = new CheckpointStore(file()); // the tail's writer: never loaded
    second.save(at(10, 1));
    second.save(at(20, 2));
    assertEquals(inode, Files.getAttribute(file(), "unix:ino"));
    assertEquals(at(20, 2), new CheckpointStore(file()).load());
  }

  @Test
  void resetReplacesADamagedFile() throws Exception {
    Files.write(file(), new byte[] {1, 2, 3});
    CheckpointStore store = new CheckpointStore(file());
    store.reset(Checkpoint.EMPTY);
    assertEquals(Checkpoint.EMPTY, new CheckpointStore(file()).load());
    assertTrue(new CheckpointStore(file()).inspect().warning().isEmpty());
  }

  @Test
  void aMissingFileIsTheEmptyCheckpoint() {
    assertEquals(Checkpoint.EMPTY, new CheckpointStore(file()).load());
  }
}
