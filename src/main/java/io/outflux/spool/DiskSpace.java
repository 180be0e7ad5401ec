package io.outflux.spool;

import io.outflux.metrics.Human;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/** The free space on the spool's file system. Blocking (statfs). */
final class DiskSpace {

  /** Below this many free bytes a writer's next flush fails with ENOSPC: the file system counts as full. */
  static final long FULL_BELOW = 1L << 20;

  record Free(long usable, long total) {
    boolean full() {
      return usable < FULL_BELOW;
    }

    String describe() {
      return Human.bytes(usable) + " free of " + Human.bytes(total);
    }
  }

  private DiskSpace() {
  }

  /** null when the directory cannot be asked (it is gone: reported elsewhere). */
  static Free of(Path spool) {
    try {
      FileStore store = Files.getFileStore(spool.toAbsolutePath().getParent());
      return new Free(store.getUsableSpace(), store.getTotalSpace());
    } catch (IOException e) {
      return null;
    }
  }
}
